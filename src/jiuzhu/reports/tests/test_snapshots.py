from __future__ import annotations

from typing import Any

from django.db.models import Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.core.scope import prefix_q
from jiuzhu.payments.models import EntitlementPerson, LineKind, PayrollLine
from jiuzhu.regions.models import Region
from jiuzhu.reports.models import ALL_PROGRAMS, Snapshot
from jiuzhu.reports.services.snapshots import COVERING_KINDS, paid_lines_q, snapshot_build
from jiuzhu.reports.tests.conftest import MONTHS

PROGRAMS = (ALL_PROGRAMS, "dibao_urban", "dibao_rural", "canji_shenghuo")


def _direct(month: Any, prefix: str, program: str) -> dict[str, int]:
    """The figures counted straight from the payroll lines, without the snapshot's code."""
    lines = PayrollLine.objects.filter(paid_lines_q(month), prefix_q(prefix))
    if program:
        lines = lines.filter(program=program)
    covering = lines.filter(kind__in=COVERING_KINDS)
    out = {"households": covering.values("household_id").distinct().count()}
    out["persons"] = (
        EntitlementPerson.objects.filter(entitlement_id__in=covering.values("entitlement_id"))
        .values("person_id")
        .distinct()
        .count()
    )
    for kind in LineKind:
        out[f"{kind.value}_fen"] = int(lines.filter(kind=kind).aggregate(s=Sum("amount_fen"))["s"] or 0)
    out["total_fen"] = int(lines.aggregate(s=Sum("amount_fen"))["s"] or 0)
    return out


def _snap(month: Any, code: str, program: str) -> dict[str, int]:
    row = Snapshot.objects.filter(month=month, region_code=code, program=program).first()
    keys = ("households", "persons", *(f"{k.value}_fen" for k in LineKind), "total_fen")
    return {k: (getattr(row, k) if row else 0) for k in keys}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_snapshot_equals_a_direct_count(history: Any, data: st.DataObject) -> None:
    del history
    month = data.draw(st.sampled_from(MONTHS))
    region = data.draw(st.sampled_from(list(Region.objects.filter(level__gte=1).order_by("code"))))
    program = data.draw(st.sampled_from(PROGRAMS))
    snapshot_build(month=month)
    assert _snap(month, region.code, program) == _direct(month, region.prefix, program)


def test_persons_by_trait_and_changes(history: Any, county: Any) -> None:
    del history
    for month in MONTHS:
        snapshot_build(month=month)
    oct_county = Snapshot.objects.get(month=MONTHS[1], region_code=county.county.code, program=ALL_PROGRAMS)
    # October: a1 (3: two elderly, a child, urban), a2 (1 disabled, 56), b1 (1, 71); a3 stopped after September.
    assert (oct_county.households, oct_county.persons) == (3, 5)
    assert oct_county.male + oct_county.female == 5
    assert (oct_county.age_child, oct_county.age_working, oct_county.age_elderly) == (1, 1, 3)
    assert oct_county.disabled == 1
    assert (oct_county.urban, oct_county.rural) == (3, 2)
    assert oct_county.stopped == 1 and oct_county.new == 1  # a3 stops, a2's 低保 starts
    assert oct_county.population == 7
    # November: b1's line failed at the bank.
    assert not Snapshot.objects.filter(month=MONTHS[2], region_code=county.township_b.code, program="dibao_rural")
    nov_b = Snapshot.objects.get(month=MONTHS[2], region_code=county.township_b.code, program=ALL_PROGRAMS)
    assert (nov_b.households, nov_b.total_fen, nov_b.population) == (0, 0, 1)


def test_rebuilding_replaces(history: Any, county: Any) -> None:
    del history
    first = snapshot_build(month=MONTHS[0])
    again = snapshot_build(month=MONTHS[0])
    assert first == again == Snapshot.objects.filter(month=MONTHS[0]).count()
    villages = Snapshot.objects.filter(month=MONTHS[0], level=5, program=ALL_PROGRAMS)
    county_row = Snapshot.objects.get(month=MONTHS[0], region_code=county.county.code, program=ALL_PROGRAMS)
    assert sum(v.total_fen for v in villages) == county_row.total_fen
    assert not Snapshot.objects.filter(~Q(level__in=[1, 2, 3, 4, 5])).exists()


def test_approving_a_payroll_rebuilds_its_month(
    county: Any, make_household: Any, approver: Any, approver2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jiuzhu.payments import services
    from jiuzhu.reports.tests.conftest import entitle

    hh = make_household(county.village_b1)
    entitle(approver, hh, "dibao_rural", "396", "2026-09-01")
    payroll = services.payroll_generate(actor=approver, month=MONTHS[0], region=county.county)
    services.payroll_check(actor=approver2, payroll=payroll)
    assert not Snapshot.objects.exists()  # a payroll not yet approved counts for nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.payroll_approve(actor=approver2, payroll=payroll)
    row = Snapshot.objects.get(month=MONTHS[0], region_code=county.county.code, program="dibao_rural")
    assert (row.households, row.regular_fen) == (1, 39600)


def test_a_month_without_payroll_has_only_its_population(county: Any, make_household: Any) -> None:
    make_household(county.village_a1)
    snapshot_build(month=MONTHS[0])
    rows = list(Snapshot.objects.filter(month=MONTHS[0]))
    assert rows and all(r.program == ALL_PROGRAMS and r.total_fen == 0 and r.households == 0 for r in rows)
    assert Snapshot.objects.get(region_code=county.county.code).population == 1
