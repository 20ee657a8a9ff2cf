"""Any sequence of donations, proposals and approvals: every fund's balance is the sum of its ledger, no balance
or running balance is ever negative, and the public account says what the ledger says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import CATEGORIES, Disbursement, DisbursementStatus, Donation, Fund, FundEntry, Purpose
from jiuzhu.charity.selectors import public_account, public_disbursements
from jiuzhu.registry.models import Household

pytestmark = pytest.mark.django_db

YEAR = 2025
fen = st.integers(min_value=1, max_value=300_000)  # up to 3 000 yuan: some proposals pass the caps, some not
day = st.dates(min_value=dt.date(YEAR - 1, 12, 1), max_value=dt.date(YEAR, 12, 31))
give = st.tuples(st.just("give"), st.sampled_from(list(Purpose)), fen, day)
propose = st.tuples(st.just("propose"), st.sampled_from(CATEGORIES), fen, st.booleans())
approve = st.tuples(st.just("approve"), st.integers(min_value=0, max_value=5), day)  # back-dated ones refused
ops = st.lists(st.one_of(give, propose, approve), max_size=14)


def _run(op: tuple[Any, ...], officer: User, approver: User, family: Household) -> None:
    try:
        if op[0] == "give":
            services.donation_record(actor=officer, amount=Decimal(op[2]) / 100, purpose=op[1], received_on=op[3])
        elif op[0] == "propose":
            services.disbursement_propose(
                actor=officer, household=family, category=op[1], amount=Decimal(op[2]) / 100, reason="测试",
                from_general=op[3], on=dt.date(YEAR - 1, 12, 1),
            )  # fmt: skip
        else:
            pending = list(Disbursement.objects.filter(status=DisbursementStatus.PROPOSED).order_by("id"))
            if pending:
                services.disbursement_approve(actor=approver, disbursement=pending[op[1] % len(pending)], on=op[2])
    except ValidationError:
        pass  # refused (no money, over the cap): nothing may have changed, which the checks below verify


def _check() -> None:
    for fund in Fund.objects.all():
        assert fund.balance >= 0
        assert fund.balance == (fund.entries.aggregate(t=Sum("amount"))["t"] or 0)
    assert not FundEntry.objects.filter(balance_after__lt=0).exists()
    money_in = Donation.objects.filter(received_on__year=YEAR).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    approved = Disbursement.objects.filter(status=DisbursementStatus.APPROVED, decided_on__year=YEAR).aggregate(
        t=Sum("amount")
    )["t"] or Decimal(0)
    account = public_account(year=YEAR)
    assert account.received == money_in
    assert account.disbursed == approved
    assert account.balance == (Fund.objects.aggregate(t=Sum("balance"))["t"] or 0)
    assert sum(m.received for m in account.by_month) == account.received
    assert sum(m.disbursed for m in account.by_month) == account.disbursed
    assert sum(x.amount for x in public_disbursements(year=YEAR)) == account.disbursed
    # The balance published for any past year-end is never negative either.
    for year in (YEAR - 1, YEAR):
        assert all(p.balance >= 0 for p in public_account(year=year).by_purpose)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=ops)
def test_balances_are_the_ledger_and_never_negative(
    charity_officer: User, approver: User, family_a: Household, standards: Any, sequence: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        for op in sequence:
            _run(op, charity_officer, approver, family_a)
        _check()
        transaction.set_rollback(True)
