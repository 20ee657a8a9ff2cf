"""Two county approvers decide the same proposal at the same moment, one approving and one returning it:
exactly one decision stands. PostgreSQL only (row locks are what is tested)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from jiuzhu.accounts.models import Role
from jiuzhu.cases import services
from jiuzhu.cases.models import Review, ReviewKind
from jiuzhu.conftest import _user
from jiuzhu.payments.models import Entitlement, EntitlementStatus
from jiuzhu.payments.services import entitlement_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ON = dt.date(2025, 11, 12)


def test_an_approval_and_a_return_at_once_leave_one_decision(standards, dibao_household, caseworker_a, approver):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    second = _user("approver2", Role.COUNTY_APPROVER, standards.county)
    ent = entitlement_create(actor=approver, household=dibao_household, program="dibao_urban",
                             persons=list(dibao_household.members.all()), monthly_amount=Decimal("800.00"),
                             start_month=dt.date(2025, 7, 1))  # fmt: skip
    review = Review.objects.create(entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=ON)
    services.review_propose(actor=caseworker_a, review=review, outcome="stop", reasons="迁出", on=ON)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def decide(user, approve):
        try:
            barrier.wait()
            fresh = Review.objects.get(pk=review.pk)
            if approve:
                services.review_approve(actor=user, review=fresh, on=ON)
            else:
                services.review_return(actor=user, review=fresh, reasons="材料不全", on=ON)
            results.append("ok")
        except services.IllegalStep:
            results.append("illegal")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=a) for a in ((approver, True), (second, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["illegal", "ok"]
    review.refresh_from_db()
    stopped = Entitlement.objects.get(pk=ent.pk).status == EntitlementStatus.STOPPED
    assert stopped == (review.outcome == "stop") and stopped != review.is_returned
    assert review.events.filter(step__in=["approve", "return"]).count() == 1
