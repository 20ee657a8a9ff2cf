"""A county with three months of approved payrolls: four households in two townships, of several members,
sexes, ages and a disability; one stops, one is raised, one payroll line fails at the bank."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import Role, User
from jiuzhu.conftest import _user
from jiuzhu.matching.models import OPEN_STATUSES, Finding, FindingStatus, Severity
from jiuzhu.monitoring.models import Assessment, AssessmentKind, MonitoredHousehold, Status
from jiuzhu.payments import services
from jiuzhu.payments.models import Entitlement, LineStatus, Payroll
from jiuzhu.registry.models import Relation

D = dt.date.fromisoformat
TODAY = timezone.localdate()
MONTHS = (D("2026-09-01"), D("2026-10-01"), D("2026-11-01"))


def entitle(approver: User, hh: Any, program: str, amount: str, start: str) -> Entitlement:
    return services.entitlement_create(
        actor=approver,
        household=hh,
        program=program,
        persons=list(hh.members.all()),
        monthly_amount=Decimal(amount),
        start_month=D(start),
    )


@pytest.fixture
def approver2(county: Any) -> User:
    return _user("approver2", Role.COUNTY_APPROVER, county.county, full_name="县审批乙")


@pytest.fixture
def history(county: Any, make_household: Any, approver: User, approver2: User) -> dict[str, Any]:
    a1 = make_household(
        county.village_a1,
        [
            ("王建国", D("1948-02-03"), Relation.SELF, {}),
            ("刘芳", D("1952-11-20"), Relation.SPOUSE, {}),
            ("王小明", D("2015-06-01"), Relation.GRANDSON, {"student": True}),
        ],
    )
    a2 = make_household(
        county.village_a2,
        [("李秀英", D("1970-04-05"), Relation.SELF, {"disability_kind": "physical", "disability_grade": 2})],
    )
    a3 = make_household(
        county.village_a2,
        [("赵大海", D("1960-06-07"), Relation.SELF, {}), ("赵小海", D("1990-01-01"), Relation.SON, {})],
    )
    b1 = make_household(county.village_b1, [("陈明", D("1955-01-01"), Relation.SELF, {})])
    ents = {
        "a1": entitle(approver, a1, "dibao_urban", "1200", "2026-09-01"),
        "a2": entitle(approver, a2, "dibao_rural", "396.50", "2026-10-01"),
        "a2_canji": entitle(approver, a2, "canji_shenghuo", "120", "2026-09-01"),
        "a3": entitle(approver, a3, "dibao_rural", "300", "2026-09-01"),
        "b1": entitle(approver, b1, "dibao_rural", "396", "2026-09-01"),
    }
    payrolls: list[Payroll] = []
    for month in MONTHS:
        if month == MONTHS[1]:
            services.entitlement_stop(actor=approver, entitlement=ents["a3"], reason="收入超标", on=D("2026-09-20"))
        payroll = services.payroll_generate(actor=approver, month=month, region=county.county)
        services.payroll_check(actor=approver2, payroll=payroll)
        services.payroll_approve(actor=approver2, payroll=payroll)
        payrolls.append(payroll)
    # The bank returned b1's November line: not paid, not counted.
    payrolls[2].lines.filter(household=b1).update(status=LineStatus.FAILED)
    return {"households": {"a1": a1, "a2": a2, "a3": a3, "b1": b1}, "entitlements": ents, "payrolls": payrolls}


def _monitor(hh: Any, level: str, *, eliminated: bool = False, due: bool = False, before: str = "") -> Any:
    """A monitored household enrolled a month ago at `before` (if given) and now at `level`."""
    start = TODAY - dt.timedelta(days=40)
    m = MonitoredHousehold.objects.create(
        household=hh, region_code=hh.region_code, category="edge", level="none" if eliminated else level,
        level_since=start, status=Status.ELIMINATED if eliminated else Status.MONITORING, enrolled_on=start,
        next_assessment=TODAY - dt.timedelta(days=3) if due else TODAY + dt.timedelta(days=50),
        eliminated_on=TODAY - dt.timedelta(days=1) if eliminated else None,
    )  # fmt: skip
    if before:
        Assessment.objects.create(monitored=m, region_code=hh.region_code, kind=AssessmentKind.ENROL,
                                  category="edge", level=before, assessed_on=start)  # fmt: skip
    Assessment.objects.create(monitored=m, region_code=hh.region_code, kind=AssessmentKind.SCHEDULED,
                              category="edge", level=level, assessed_on=TODAY - dt.timedelta(days=2))  # fmt: skip
    return m


def _finding(hh: Any, status: str, *, late: bool = False, rule: str = "salary_in_dibao") -> Finding:
    return Finding.objects.create(
        rule=rule, severity=Severity.HIGH, household=hh, region_code=hh.region_code, summary="疑似问题",
        fingerprint=f"{hh.pk}-{status}-{late}-{rule}", status=status,
        deadline=TODAY - dt.timedelta(days=5) if late else TODAY + dt.timedelta(days=20),
        closed_at=TODAY if status not in OPEN_STATUSES else None,
    )  # fmt: skip


@pytest.fixture
def oversight(county: Any, make_household: Any) -> dict[str, Any]:
    a = [make_household(county.village_a1 if i % 2 else county.village_a2) for i in range(6)]
    b = [make_household(county.village_b1) for _ in range(3)]
    _monitor(a[0], "red", before="blue", due=True)
    _monitor(a[1], "red")
    _monitor(a[2], "yellow", due=True)
    _monitor(a[3], "blue", eliminated=True)
    _monitor(a[5], "none")
    _monitor(b[0], "red")
    _monitor(b[1], "blue", due=True)
    _finding(a[0], FindingStatus.PENDING, late=True)
    _finding(a[1], FindingStatus.VERIFYING)
    _finding(a[2], FindingStatus.RECTIFIED, rule="vehicle_in_dibao")
    _finding(a[4], FindingStatus.UNFOUNDED)
    _finding(b[0], FindingStatus.PENDING, late=True)
    _finding(b[1], FindingStatus.CONFIRMED, late=True, rule="vehicle_in_dibao")
    return {"a": a, "b": b}
