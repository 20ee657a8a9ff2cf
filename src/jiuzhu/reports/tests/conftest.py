"""A county with three months of approved payrolls: four households in two townships, of several members,
sexes, ages and a disability; one stops, one is raised, one payroll line fails at the bank."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jiuzhu.accounts.models import Role, User
from jiuzhu.conftest import _user
from jiuzhu.payments import services
from jiuzhu.payments.models import Entitlement, LineStatus, Payroll
from jiuzhu.registry.models import Relation

D = dt.date.fromisoformat
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
