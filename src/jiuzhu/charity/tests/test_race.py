"""Two approvers approve two proposals at the same moment that together exceed the fund: one is paid, the other
refused for want of money, and the balance is never negative.

Runs on PostgreSQL only (row locks are what is tested; SQLite serialises whole transactions):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_charity pytest -m postgres src/jiuzhu/charity"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import Disbursement, DisbursementStatus, Fund, FundEntry, Purpose
from jiuzhu.charity.tests.conftest import D
from jiuzhu.registry.models import Household

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_approvals_at_once_never_overdraw(
    charity_officer: User, approver: User, approver_2: User, family_a: Household, standards: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    services.donation_record(actor=charity_officer, amount="1000", received_on=D, purpose=Purpose.DISASTER)
    proposals = [
        services.disbursement_propose(
            actor=charity_officer, household=family_a, category=Purpose.DISASTER, amount="700", reason=r, on=D
        )
        for r in ("水毁房屋", "冲毁农田")
    ]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve(user: User, d: Disbursement) -> None:
        try:
            barrier.wait()
            services.disbursement_approve(actor=user, disbursement=d, on=D)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=a) for a in zip((approver, approver_2), proposals, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert Fund.objects.get(purpose=Purpose.DISASTER).balance == Decimal("300.00")
    assert Disbursement.objects.filter(status=DisbursementStatus.APPROVED).count() == 1
    assert FundEntry.objects.filter(kind="disbursement").count() == 1


def test_two_donations_at_once_get_distinct_receipts(charity_officer: User, standards: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    barrier = threading.Barrier(4)
    numbers: list[str] = []

    def give() -> None:
        try:
            barrier.wait()
            numbers.append(services.donation_record(actor=charity_officer, amount="1", received_on=D).receipt_number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=give) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(numbers)) == 4
    assert Fund.objects.get(purpose=Purpose.GENERAL).balance == Decimal("4.00")
