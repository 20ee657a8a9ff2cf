"""The public account: its totals are the ledger's, and nothing personal is in it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import Purpose
from jiuzhu.charity.selectors import public_account, public_disbursements, public_needs
from jiuzhu.charity.tests.conftest import D
from jiuzhu.registry.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(charity_officer: User, approver: User, family_a: Household, standards: Any) -> Household:
    campaign = services.campaign_create(
        actor=charity_officer, name="慈善一日捐", starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 31),
        goal="50000",
    )  # fmt: skip
    services.donation_record(actor=charity_officer, amount="10000", received_on=D, campaign=campaign)
    services.donation_record(actor=charity_officer, amount="2000", received_on=D, purpose=Purpose.MEDICAL)
    services.donation_record(
        actor=charity_officer, amount="800", received_on=D, kind="goods", goods_description="米 20 袋",
        campaign=campaign,
    )  # fmt: skip
    d = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.MEDICAL, amount="1500", reason="住院",
        on=dt.date(2026, 6, 2),
    )  # fmt: skip
    services.disbursement_approve(actor=approver, disbursement=d, on=dt.date(2026, 6, 3))
    services.need_post(
        actor=charity_officer, household=family_a, title="助学", purpose=Purpose.EDUCATION, target="3000", on=D
    )
    return family_a


def test_the_public_account_adds_up(books: Household) -> None:
    account = public_account(year=2026)
    by = {p.purpose: p for p in account.by_purpose}
    assert by["general"].received == Decimal("10000.00")
    assert by["medical"].received == Decimal("2000.00")
    assert by["medical"].disbursed == Decimal("1500.00")
    assert by["medical"].balance == Decimal("500.00")
    assert account.balance == Decimal("10500.00")
    assert account.goods_value == Decimal("800.00")
    months = {m.month: m for m in account.by_month}
    assert months[5].received == Decimal("12000.00")
    assert months[6].disbursed == Decimal("1500.00")
    (campaign,) = account.campaigns
    assert (campaign.raised, campaign.goods_value, campaign.donations) == (Decimal("10000.00"), Decimal("800.00"), 2)
    assert public_account(year=2025).balance == Decimal("0.00")


def test_public_pages_show_no_name_id_or_phone(books: Household) -> None:
    head = books.members.get()
    texts = repr([dataclasses.asdict(x) for x in public_needs() + public_disbursements(year=2026)])
    texts += repr(dataclasses.asdict(public_account(year=2026)))
    assert head.name not in texts
    assert head.id_masked[-4:] not in texts
    assert books.address not in texts or not books.address
    (need,) = public_needs()
    assert need.beneficiary == "王**家庭"
    (paid,) = public_disbursements(year=2026, month=6)
    assert paid.recipient == "王*明"
    assert paid.village == "云山社区"
    assert public_disbursements(year=2026, month=5) == []
