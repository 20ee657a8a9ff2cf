from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from jiuzhu.core.messages import plain
from jiuzhu.monitoring.models import Assessment, AssessmentKind, MonitoredHousehold, Status
from jiuzhu.monitoring.selectors import monitoring_counts
from jiuzhu.monitoring.services import (
    measure_add,
    monitored_eliminate,
    monitored_reassess,
    monitoring_scan,
    poverty_register_enrol,
)
from jiuzhu.monitoring.tests.support import ON, build
from jiuzhu.payments.models import add_months
from jiuzhu.registry.services import person_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def hh(standards: Any, make_household: Any) -> Any:
    return build(standards, make_household)


def _of(household: Any) -> MonitoredHousehold:
    return MonitoredHousehold.objects.get(household=household)


def test_the_scan_finds_each_kind_of_candidate_and_not_the_near_miss(hh: Any, standards: Any, approver: Any) -> None:
    result = monitoring_scan(actor=approver, region=standards.county, on=ON)
    assert result.enrolled == 5
    found = dict(MonitoredHousehold.objects.values_list("household_id", "category"))
    assert found == {
        hh.dibao.pk: "dibao", hh.edge.pk: "edge", hh.rigid.pk: "rigid", hh.elderly.pk: "edge",
        hh.other.pk: "low_income",
    }  # fmt: skip
    assert hh.near_miss.pk not in found
    assert _of(hh.other).level == "red"  # 300 a month, below the 500 line
    assert _of(hh.rigid).level == "red"  # medical spending over half the income
    assert _of(hh.elderly).level == "yellow"  # nobody able to work, no earnings, a child at school
    assert _of(hh.dibao).level == "red"  # (500 + 292 of 低保) / 2 = 396 a head: below the 500 line


def test_levels_with_their_reasons(hh: Any, standards: Any, approver: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    first = Assessment.objects.get(monitored=_of(hh.rigid), kind=AssessmentKind.ENROL)
    assert "刚性支出 1300 元/月" in plain(first.reasons)  # stored as marked messages (core/messages.py)
    assert first.assessed_on == ON


def test_a_second_scan_the_same_day_changes_nothing(hh: Any, standards: Any, approver: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    before = Assessment.objects.count()
    again = monitoring_scan(actor=approver, region=standards.county, on=ON)
    assert (again.enrolled, again.changed, again.assessed) == (0, 0, 0)
    assert Assessment.objects.count() == before


def test_the_assessment_falls_due_every_two_months(hh: Any, standards: Any, approver: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    m = _of(hh.edge)
    assert m.next_assessment == add_months(ON, 2)
    early = monitoring_scan(actor=approver, region=standards.county, on=add_months(ON, 2) - dt.timedelta(days=1))
    assert early.assessed == 0
    due = monitoring_scan(actor=approver, region=standards.county, on=add_months(ON, 2))
    assert due.assessed == 5
    m.refresh_from_db()
    assert m.next_assessment == add_months(ON, 4)
    assert m.assessments.filter(kind=AssessmentKind.SCHEDULED).count() == 1


def test_a_township_scans_only_its_own(hh: Any, standards: Any, caseworker_a: Any) -> None:
    result = monitoring_scan(actor=caseworker_a, region=standards.township_a, on=ON)
    assert result.enrolled == 4
    assert not MonitoredHousehold.objects.filter(household=hh.other).exists()
    with pytest.raises(Exception):  # noqa: B017 - Http404 from the scope check
        monitoring_scan(actor=caseworker_a, region=standards.township_b, on=ON)


def test_a_village_clerk_may_not_scan(hh: Any, standards: Any, clerk_a: Any) -> None:
    with pytest.raises(PermissionDenied):
        monitoring_scan(actor=clerk_a, region=standards.village_a1, on=ON)


def test_a_registry_change_recomputes_the_level(hh: Any, standards: Any, approver: Any, clerk_a: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    m = _of(hh.rigid)
    assert m.level == "red"
    person = hh.rigid.members.get()
    person_update(actor=clerk_a, person=person, rigid_medical=0)
    m.refresh_from_db()
    assert m.level == "none"
    change = m.assessments.filter(kind=AssessmentKind.CHANGE).get()
    assert change.level == "none"
    assert change.assessed_by == clerk_a


def test_elimination_cancels_the_level_and_monitoring_continues(hh: Any, standards: Any, approver: Any,
                                                                 caseworker_a: Any) -> None:  # fmt: skip
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    m = _of(hh.rigid)
    monitored_eliminate(actor=caseworker_a, monitored=m, reasons="医疗救助报销后支出已回落", on=ON)
    m.refresh_from_db()
    assert (m.status, m.level, m.eliminated_on) == (Status.ELIMINATED, "none", ON)
    # The scan keeps it monitored, without a level, and still assesses it every two months.
    result = monitoring_scan(actor=approver, region=standards.county, on=add_months(ON, 2))
    m.refresh_from_db()
    assert (m.status, m.level) == (Status.ELIMINATED, "none")
    assert result.assessed == 5
    # A re-assessment finding the risk again monitors it anew.
    monitored_reassess(actor=caseworker_a, monitored=m, factors=["illness"], note="复发", on=add_months(ON, 2))
    m.refresh_from_db()
    assert (m.status, m.level) == (Status.MONITORING, "red")


def test_reassessment_with_recorded_factors(hh: Any, standards: Any, approver: Any, caseworker_a: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    m = _of(hh.edge)
    assert m.level == "none"  # one able worker and no risk factor
    a = monitored_reassess(actor=caseworker_a, monitored=m, factors=["employment"], note="务工不稳定", on=ON)
    assert a.level == "blue" and "因就业不稳定" in a.reasons


def test_a_measure_is_logged(hh: Any, standards: Any, approver: Any, caseworker_a: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    m = _of(hh.edge)
    measure_add(actor=caseworker_a, monitored=m, kind="employment", taken_on=ON, description="推荐公益性岗位")
    assert m.measures.get().description == "推荐公益性岗位"


def test_caseworker_b_cannot_act_on_township_a(hh: Any, standards: Any, approver: Any, caseworker_b: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    with pytest.raises(Exception):  # noqa: B017 - Http404
        measure_add(actor=caseworker_b, monitored=_of(hh.edge), kind="employment", taken_on=ON, description="x")


def test_the_poverty_register_enrols_the_households_it_names(hh: Any, standards: Any, approver: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    register = pl.DataFrame({
        "id_number": [hh.near_miss.members.first().id_number, hh.edge.members.first().id_number, "110101199003074578"],
        "register_number": ["R1", "R2", "R3"], "name": ["钱大", "李大", "外人"], "relation": ["户主", "户主", "户主"],
    })  # fmt: skip
    result = poverty_register_enrol(actor=approver, region=standards.county, frame=register, on=ON)
    assert (result.households, result.enrolled, result.flagged, result.unmatched) == (2, 1, 1, 1)
    assert _of(hh.near_miss).category == "poverty" and _of(hh.near_miss).in_poverty_register
    assert _of(hh.edge).category == "poverty"
    again = poverty_register_enrol(actor=approver, region=standards.county, frame=register, on=ON)
    assert (again.enrolled, again.flagged) == (0, 0)


def test_counts_by_township_category_and_level(hh: Any, standards: Any, approver: Any, caseworker_a: Any) -> None:
    monitoring_scan(actor=approver, region=standards.county, on=ON)
    counts = monitoring_counts(prefix=standards.county.prefix, on=ON)
    assert counts["households"].sum() == 5
    mine = monitoring_counts(user=caseworker_a, on=ON)
    assert mine["households"].sum() == 4
    assert set(mine["township"]) == {standards.township_a.code[:9]}
    assert monitoring_counts(user=caseworker_a, prefix=standards.township_b.prefix, on=ON).height == 0
    assert monitoring_counts(prefix=standards.county.prefix, on=ON - dt.timedelta(days=1)).height == 0


def test_a_new_member_recomputes_the_level(hh: Any, standards: Any, approver: Any, clerk_a: Any) -> None:
    from jiuzhu.conftest import id_for
    from jiuzhu.registry.models import Relation
    from jiuzhu.registry.services import MemberInput, person_add

    monitoring_scan(actor=approver, region=standards.county, on=ON)
    assert not MonitoredHousehold.objects.filter(household=hh.near_miss).exists()
    rigid = _of(hh.rigid)
    assert rigid.level == "red"
    # A spouse earning 3000 a month: the medical spending is no longer half the income, the level drops.
    person_add(actor=clerk_a, household=hh.rigid, member=MemberInput(
        name="赵妻", id_number=id_for(dt.date(1982, 3, 3), male=False), relation=Relation.SPOUSE,
        fields={"income_wage": 3000}))  # fmt: skip
    rigid.refresh_from_db()
    assert rigid.level == "none"
