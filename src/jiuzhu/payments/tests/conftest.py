"""A paying county for the payroll tests: three households in township A (two villages), one in township B."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jiuzhu.accounts.models import Role, User
from jiuzhu.conftest import _user
from jiuzhu.payments import services
from jiuzhu.payments.models import Entitlement
from jiuzhu.registry.models import Relation

D = dt.date.fromisoformat


def entitle(approver: User, hh: Any, program: str, amount: str, start: str, **kw: Any) -> Entitlement:
    return services.entitlement_create(
        actor=approver,
        household=hh,
        program=program,
        persons=list(hh.members.all()),
        monthly_amount=Decimal(amount),
        start_month=D(start),
        **kw,
    )


@pytest.fixture
def approver2(county: Any) -> User:
    """A second county approver: the issue's "second person" who checks and approves."""
    return _user("approver2", Role.COUNTY_APPROVER, county.county, full_name="县审批乙")


@pytest.fixture
def paying(county: Any, make_household: Any, approver: User) -> dict[str, Entitlement]:
    a1 = make_household(
        county.village_a1,
        [("王建国", D("1948-02-03"), Relation.SELF, {})],
        bank_name="农商银行",
        bank_account="6217001234567890123",
    )
    a2 = make_household(county.village_a2, [("李秀英", D("1950-04-05"), Relation.SELF, {})])
    a3 = make_household(county.village_a2, [("赵大海", D("1960-06-07"), Relation.SELF, {})])
    b1 = make_household(county.village_b1, [("陈明", D("1955-01-01"), Relation.SELF, {})])
    return {
        "a1": entitle(approver, a1, "dibao_urban", "528", "2026-10-01"),
        "a2": entitle(approver, a2, "dibao_rural", "396.50", "2026-11-01"),
        "a2_tekun": entitle(approver, a2, "tekun", "800", "2026-11-01"),
        "a3": entitle(approver, a3, "dibao_rural", "100", "2026-10-01"),
        "b1": entitle(approver, b1, "dibao_rural", "396", "2026-10-01"),
    }


@pytest.fixture
def dibao(standards: Any, make_household: Any, approver: User) -> Entitlement:
    """A one-person urban 低保 household paid 528 a month from January 2026, with the shipped standards."""
    hh = make_household(standards.village_a1, [("赵六", dt.date(1976, 5, 1), Relation.SELF, {})])
    return entitle(approver, hh, "dibao_urban", "528", "2026-01-01")
