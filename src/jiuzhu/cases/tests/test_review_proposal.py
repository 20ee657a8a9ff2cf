"""The township proposes 调整/渐退/停保 at a review, the county decides (issue #10): proposal, approval from next
month, return with reasons, maker-checker, scope, and the same bounds as a decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiuzhu.accounts.models import Role
from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import Review, ReviewKind, ReviewOutcome, ReviewStep
from jiuzhu.conftest import _user
from jiuzhu.core.models import AuditEntry
from jiuzhu.payments.models import Cause, Entitlement, EntitlementEvent, EntitlementStatus
from jiuzhu.payments.services import entitlement_create

ON = dt.date(2025, 11, 12)


@pytest.fixture
def entitlement(standards, dibao_household, approver) -> Entitlement:
    return entitlement_create(
        actor=approver,
        household=dibao_household,
        program="dibao_urban",
        persons=list(dibao_household.members.all()),
        monthly_amount=Decimal("800.00"),
        start_month=dt.date(2025, 7, 1),
    )


@pytest.fixture
def review(entitlement) -> Review:
    return Review.objects.create(
        entitlement=entitlement, region_code=entitlement.region_code, kind=ReviewKind.SCHEDULED, due_date=ON
    )


@pytest.fixture
def approver2(county):
    return _user("approver2", Role.COUNTY_APPROVER, county.county, full_name="县审批乙")


def propose_stop(actor, review, reasons="家庭成员务工，人均收入超过标准") -> Review:
    return services.review_propose(actor=actor, review=review, outcome=ReviewOutcome.STOP, reasons=reasons, on=ON)


def test_the_caseworker_proposes_a_stop_and_nothing_changes_until_the_county_decides(review, caseworker_a):
    propose_stop(caseworker_a, review)
    review.refresh_from_db()
    assert review.is_open and review.is_proposed
    assert (review.proposed_outcome, review.proposed_by, review.proposed_at) == ("stop", caseworker_a, ON)
    assert Entitlement.objects.get(pk=review.entitlement_id).status == EntitlementStatus.ACTIVE
    assert list(review.events.values_list("step", flat=True)) == [ReviewStep.PROPOSE]
    entry = AuditEntry.objects.filter(object_type="review", object_id=str(review.pk)).last()
    assert entry is not None and "提请县级审批：停止" in entry.summary


def test_the_township_head_may_propose_too(review, head_a):
    propose_stop(head_a, review)
    assert Review.objects.get(pk=review.pk).proposed_by == head_a


def test_the_county_approves_and_payment_stops_from_next_month(review, caseworker_a, approver):
    propose_stop(caseworker_a, review)
    services.review_approve(actor=approver, review=review, on=ON)
    review.refresh_from_db()
    ent = Entitlement.objects.get(pk=review.entitlement_id)
    assert (review.outcome, review.decided_by, review.reasons) == ("stop", approver, "家庭成员务工，人均收入超过标准")
    assert ent.status == EntitlementStatus.STOPPED and ent.end_month == dt.date(2025, 11, 1)
    event = EntitlementEvent.objects.get(entitlement=ent, kind="stopped")
    assert event.cause == Cause.REVIEW and event.effective_month == dt.date(2025, 12, 1)
    assert list(review.events.values_list("step", flat=True)) == [ReviewStep.PROPOSE, ReviewStep.APPROVE]


def test_an_approved_change_of_amount_starts_a_new_amount_next_month_and_schedules_the_next_review(
    review, caseworker_a, approver
):
    services.review_propose(
        actor=caseworker_a, review=review, outcome="change", reasons="新增务工收入", new_amount=Decimal("500"), on=ON
    )
    services.review_approve(actor=approver, review=review, on=ON)
    new = Entitlement.objects.get(previous=review.entitlement)
    assert (new.monthly_amount, new.start_month) == (Decimal("500.00"), dt.date(2025, 12, 1))
    assert Review.objects.filter(entitlement=new, outcome="").count() == 1


def test_an_approved_gradual_exit_pays_the_proposed_months(review, caseworker_a, approver):
    services.review_propose(
        actor=caseworker_a, review=review, outcome="gradual_exit", reasons="就业", exit_months=3, on=ON
    )
    services.review_approve(actor=approver, review=review, on=ON)
    ent = Entitlement.objects.get(pk=review.entitlement_id)
    assert ent.gradual_exit and ent.end_month == dt.date(2026, 2, 1)


def test_the_county_returns_with_reasons_and_the_review_goes_back_to_the_township(review, caseworker_a, approver):
    propose_stop(caseworker_a, review)
    assert review in selectors.review_proposals(user=approver)
    assert review not in selectors.reviews_due(user=caseworker_a, until=ON)
    with pytest.raises(ValidationError):
        services.review_return(actor=approver, review=review, reasons=" ", on=ON)
    services.review_return(actor=approver, review=review, reasons="务工收入证明不全，请补充后再提请", on=ON)
    review.refresh_from_db()
    assert review.is_open and not review.is_proposed and review.is_returned
    assert review.returned_by == approver and "证明不全" in review.returned_reasons
    assert Entitlement.objects.get(pk=review.entitlement_id).status == EntitlementStatus.ACTIVE
    # Back on the township's to-do list whatever its due date, off the county's.
    Review.objects.filter(pk=review.pk).update(due_date=ON + dt.timedelta(days=200))
    assert review in selectors.reviews_due(user=caseworker_a, until=ON)
    assert review not in selectors.review_proposals(user=approver)
    # The township may propose again, or record 继续享受.
    services.review_record(actor=caseworker_a, review=review, outcome="continue", on=ON)
    assert Review.objects.get(pk=review.pk).outcome == "continue"


def test_the_proposer_cannot_decide_their_own_proposal(review, approver, approver2):
    propose_stop(approver, review)
    assert review not in selectors.review_proposals(user=approver)
    with pytest.raises(PermissionDenied, match="提请人不能审批"):
        services.review_approve(actor=approver, review=review, on=ON)
    with pytest.raises(PermissionDenied):
        services.review_return(actor=approver, review=review, reasons="x", on=ON)
    services.review_approve(actor=approver2, review=review, on=ON)
    assert Review.objects.get(pk=review.pk).decided_by == approver2


def test_only_the_county_decides(review, caseworker_a, head_a):
    propose_stop(caseworker_a, review)
    for actor in (caseworker_a, head_a):
        with pytest.raises(PermissionDenied):
            services.review_approve(actor=actor, review=review, on=ON)
        with pytest.raises(PermissionDenied):
            services.review_return(actor=actor, review=review, reasons="x", on=ON)


def test_the_clerk_and_the_auditor_may_not_propose(review, clerk_a, auditor):
    for actor in (clerk_a, auditor):
        with pytest.raises(PermissionDenied):
            propose_stop(actor, review)
    assert not Review.objects.get(pk=review.pk).is_proposed


def test_another_township_finds_no_such_review(review, caseworker_a, caseworker_b):
    with pytest.raises(Http404):
        propose_stop(caseworker_b, review)
    propose_stop(caseworker_a, review)
    assert review not in selectors.review_proposals(user=caseworker_b)
    with pytest.raises(Http404):
        services.entitlement_stop_propose(actor=caseworker_b, entitlement=review.entitlement, reasons="x", on=ON)


def test_a_proposal_waits_for_the_county_and_is_not_recorded_over(review, caseworker_a, approver):
    propose_stop(caseworker_a, review)
    with pytest.raises(ValidationError, match="已提请县级审批"):
        services.review_record(actor=caseworker_a, review=review, outcome="continue", on=ON)
    with pytest.raises(ValidationError, match="已提请县级审批"):
        services.review_record(actor=approver, review=review, outcome="stop", reasons="x", on=ON)
    with pytest.raises(ValidationError, match="已提请县级审批"):
        propose_stop(caseworker_a, review)


def test_continuing_stays_final_at_the_township_and_the_others_must_be_proposed(review, caseworker_a):
    with pytest.raises(PermissionDenied):
        services.review_record(actor=caseworker_a, review=review, outcome="stop", reasons="x", on=ON)
    with pytest.raises(ValidationError):
        services.review_propose(actor=caseworker_a, review=review, outcome="continue", reasons="x", on=ON)
    services.review_record(actor=caseworker_a, review=review, outcome="continue", on=ON)
    assert Review.objects.get(pk=review.pk).decided_by == caseworker_a


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"outcome": "stop", "reasons": "  "}, "reasons"),
        ({"outcome": "change", "reasons": "x"}, "new_amount"),
        ({"outcome": "change", "reasons": "x", "new_amount": Decimal("0")}, "new_amount"),
        ({"outcome": "change", "reasons": "x", "new_amount": Decimal("20000.01")}, "new_amount"),
        ({"outcome": "change", "reasons": "x", "new_amount": Decimal("35406163257043984")}, "new_amount"),
        ({"outcome": "gradual_exit", "reasons": "x", "exit_months": 7}, "exit_months"),
        ({"outcome": "gradual_exit", "reasons": "x", "exit_months": 0}, "exit_months"),
        ({"outcome": "gradual_exit", "reasons": "x"}, "exit_months"),
    ],
)
def test_a_proposal_is_bounded_as_the_decision_will_be(review, caseworker_a, args, field):
    with pytest.raises(ValidationError) as err:
        services.review_propose(actor=caseworker_a, review=review, on=ON, **args)
    assert field in err.value.message_dict
    assert not Review.objects.get(pk=review.pk).is_proposed


def test_the_approval_checks_the_cap_in_force_on_its_day(review, caseworker_a, approver, county):
    from jiuzhu.policy.models import Parameter

    services.review_propose(
        actor=caseworker_a, review=review, outcome="change", reasons="x", new_amount=Decimal("900"), on=ON
    )
    Parameter.objects.create(
        region=county.county, key="case.money.cap.dibao_urban", value="850", effective_from=ON, source="测试"
    )
    with pytest.raises(ValidationError, match="确认上限 850"):
        services.review_approve(actor=approver, review=review, on=ON)
    assert Review.objects.get(pk=review.pk).is_proposed


def test_a_township_proposes_a_stop_outside_a_scheduled_review(entitlement, caseworker_a, approver):
    review = services.entitlement_stop_propose(
        actor=caseworker_a, entitlement=entitlement, reasons="户主已迁出本县，户籍注销", on=ON
    )
    assert (review.kind, review.due_date, review.proposed_outcome) == (ReviewKind.ON_DEMAND, ON, "stop")
    assert list(review.events.values_list("step", flat=True)) == [ReviewStep.OPEN, ReviewStep.PROPOSE]
    with pytest.raises(ValidationError):
        services.entitlement_stop_propose(actor=caseworker_a, entitlement=entitlement, reasons="again", on=ON)
    services.review_approve(actor=approver, review=review, on=ON)
    assert Entitlement.objects.get(pk=entitlement.pk).status == EntitlementStatus.STOPPED
