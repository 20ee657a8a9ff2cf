"""The township reserve fund (备用金) never goes below zero: two emergency payments at the same moment against a
balance that covers one of them make exactly one payment (PostgreSQL row lock on the balance row); SQLite
serialises the two transactions; and the database itself refuses a negative balance."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import Case, ReserveFund, ReserveFundEntry
from jiuzhu.cases.tests.conftest import TODAY
from jiuzhu.registry.models import Relation


def _emergency_cases(make_household, clerk_a, county, n: int) -> list[Case]:
    cases = []
    for i in range(n):
        hh = make_household(county.village_a1, [(f"急难{i}", dt.date(1970, 1, 1 + i), Relation.SELF, {})])
        cases.append(
            services.case_submit(
                actor=clerk_a,
                household=hh,
                program="linshi",
                linshi_kind="emergency",
                applicant=hh.members.get(),
                on=TODAY,
            )
        )
    return cases


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_emergency_payments_at_once_cannot_overdraw_the_fund(
    county, make_household, clerk_a, caseworker_a, approver
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("2000"), on=TODAY)
    cases = _emergency_cases(make_household, clerk_a, county, 2)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def pay(case: Case) -> None:
        try:
            barrier.wait()
            services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("2000"), on=TODAY)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert selectors.reserve_balance(township_code=county.township_a.code) == Decimal("0")
    assert ReserveFund.objects.get(township=county.township_a).balance == Decimal("0")
    assert ReserveFundEntry.objects.filter(amount__lt=0).count() == 1


@pytest.mark.django_db
def test_the_second_payment_sees_what_the_first_left(county, make_household, clerk_a, caseworker_a, approver):
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("2000"), on=TODAY)
    first, second = _emergency_cases(make_household, clerk_a, county, 2)
    services.case_emergency_pay(actor=caseworker_a, case=first, amount=Decimal("2000"), on=TODAY)
    with pytest.raises(ValidationError, match="余额不足"):
        services.case_emergency_pay(actor=caseworker_a, case=second, amount=Decimal("2000"), on=TODAY)
    fund = ReserveFund.objects.get(township=county.township_a)
    assert fund.balance == Decimal("0") == selectors.reserve_balance(township_code=county.township_a.code)


@pytest.mark.django_db
def test_the_database_refuses_a_negative_balance(county, approver):
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("100"), on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveFund.objects.filter(township=county.township_a).update(balance=Decimal("-0.01"))


@pytest.mark.django_db
def test_a_topup_beyond_what_can_be_recorded_is_refused(county, approver):
    with pytest.raises(ValidationError):
        services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("99999999999"), on=TODAY)
    assert not ReserveFundEntry.objects.exists()
