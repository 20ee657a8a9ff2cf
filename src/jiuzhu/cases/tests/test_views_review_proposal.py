"""The review pages show each role exactly what it may do with a proposal (issue #10): the township records or
proposes, the county approves or returns, nobody is offered a form that answers 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.models import Review, ReviewKind
from jiuzhu.payments.models import Entitlement, EntitlementStatus
from jiuzhu.payments.services import entitlement_create


@pytest.fixture
def review(standards, dibao_household, approver) -> Review:
    ent = entitlement_create(
        actor=approver,
        household=dibao_household,
        program="dibao_urban",
        persons=list(dibao_household.members.all()),
        monthly_amount=Decimal("800.00"),
        start_month=dt.date(2025, 7, 1),
    )
    return Review.objects.create(
        entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=timezone.localdate()
    )


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def url(review) -> str:
    return reverse("cases:review", args=[review.pk])


def test_the_township_is_offered_continue_or_a_proposal_and_the_others_nothing(
    client, review, caseworker_a, head_a, clerk_a, auditor
):
    for user in (caseworker_a, head_a):
        html = page(client, user, url(review))
        assert 'id="review-form"' in html and "停止（提请县级审批）" in html and "保存或提请县级审批" in html
        assert 'id="review-approve"' not in html
    for user in (clerk_a, auditor):
        html = page(client, user, url(review))
        assert 'id="review-form"' not in html and 'id="review-approve"' not in html
        assert url(review) not in page(client, user, reverse("cases:todo"))


def test_a_proposal_goes_to_the_county_and_the_county_approves_it(client, review, caseworker_a, approver):
    client.force_login(caseworker_a)
    response = client.post(url(review), {"action": "record", "outcome": "stop", "reasons": "子女务工，收入超标"})
    assert response.status_code == 302
    html = page(client, caseworker_a, url(review))
    assert "待县级审批" in html and 'id="review-form"' not in html and 'id="review-approve"' not in html
    assert url(review) not in page(client, caseworker_a, reverse("cases:todo"))

    todo = page(client, approver, reverse("cases:todo"))
    assert 'id="review-proposals"' in todo and url(review) in todo and "子女务工，收入超标" in todo
    home = page(client, approver, "/")
    assert "待审批的复核提请" in home
    html = page(client, approver, url(review))
    assert 'id="review-approve"' in html and 'id="review-return"' in html and 'id="review-form"' not in html
    assert 'id="review-computed"' in html  # the engine's amount for the household now
    assert client.post(url(review), {"action": "approve"}).status_code == 302
    assert Entitlement.objects.get(pk=review.entitlement_id).status == EntitlementStatus.STOPPED
    html = page(client, approver, url(review))
    assert "乡镇提请县级审批" in html and "县级审批同意" in html  # the history, in Chinese
    assert "stop" not in html.split('id="review-history"')[1]


def test_a_returned_proposal_is_back_on_the_townships_list_with_its_reasons(client, review, caseworker_a, approver):
    services.review_propose(actor=caseworker_a, review=review, outcome="change", reasons="收入增加",
                            new_amount=Decimal("300"))  # fmt: skip
    client.force_login(approver)
    response = client.post(url(review), {"action": "return", "return-reasons": ""})
    assert response.status_code == 200 and response.context["return_form"].errors
    response = client.post(url(review), {"action": "return", "return-reasons": "请附务工收入证明"})
    assert response.status_code == 302
    todo = page(client, caseworker_a, reverse("cases:todo"))
    assert url(review) in todo and "县级退回" in todo
    html = page(client, caseworker_a, url(review))
    assert "请附务工收入证明" in html and 'id="review-form"' in html


def test_nobody_is_offered_to_decide_their_own_proposal(client, review, approver):
    services.review_propose(actor=approver, review=review, outcome="stop", reasons="迁出")
    html = page(client, approver, url(review))
    assert 'id="review-approve"' not in html and "另一名县级审批人员" in html
    assert client.post(url(review), {"action": "approve"}).status_code == 403
    assert Review.objects.get(pk=review.pk).is_open


def test_the_township_may_not_approve_by_hand(client, review, caseworker_a, head_a):
    services.review_propose(actor=caseworker_a, review=review, outcome="stop", reasons="迁出")
    client.force_login(head_a)
    assert client.post(url(review), {"action": "approve"}).status_code == 403
    assert Review.objects.get(pk=review.pk).is_proposed


def test_the_household_page_offers_a_stop_proposal_to_the_township_only(
    client, review, caseworker_a, approver, clerk_a
):
    household_url = reverse("registry:household_detail", args=[review.entitlement.household_id])
    stop_url = reverse("cases:stop_propose", args=[review.entitlement_id])
    assert stop_url in page(client, caseworker_a, household_url)
    for user in (approver, clerk_a):
        assert stop_url not in page(client, user, household_url)
    client.force_login(caseworker_a)
    assert client.post(stop_url, {"reasons": ""}).status_code == 422
    response = client.post(stop_url, {"reasons": "户主已迁出本县"})
    proposal = Review.objects.get(entitlement=review.entitlement, kind=ReviewKind.ON_DEMAND)
    assert response.status_code == 302 and response.url == url(proposal)
    html = page(client, caseworker_a, household_url)
    assert stop_url not in html and "停止待县级审批" in html


def test_the_proposal_reads_in_english_in_the_english_ui(client, review, caseworker_a, approver):
    services.review_propose(actor=caseworker_a, review=review, outcome="change", reasons="收入增加",
                            new_amount=Decimal("300"))  # fmt: skip
    client.force_login(approver)
    html = client.get(url(review), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Township proposal", "Awaiting the county", "Proposed outcome", "Approve", "Return to the township",
                 "Computed on the household now", "History", "Township proposed to the county"):  # fmt: skip
        assert text in html, text
    todo = client.get(reverse("cases:todo"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Review proposals from the townships" in todo and "待县级审批" not in todo


def test_the_township_withdraws_its_proposal_before_the_county_decides(
    client, review, caseworker_a, head_a, approver, caseworker_b
):
    client.force_login(caseworker_a)
    client.post(url(review), {"action": "record", "outcome": "stop", "reasons": "子女务工，收入超标"})
    html = page(client, head_a, url(review))  # a colleague of the same township may take it back too
    assert 'id="review-withdraw"' in html and 'id="review-form"' not in html
    assert 'id="review-withdraw"' not in page(client, approver, url(review))  # the county decides instead

    client.force_login(head_a)
    response = client.post(url(review), {"action": "withdraw", "withdraw-reasons": " "})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert Review.objects.get(pk=review.pk).is_proposed  # nothing changed

    client.force_login(caseworker_b)  # another township: the review is not found
    assert client.post(url(review), {"action": "withdraw", "withdraw-reasons": "x"}).status_code == 404

    client.force_login(head_a)
    assert client.post(url(review), {"action": "withdraw", "withdraw-reasons": "入户核实有误"}).status_code == 302
    fresh = Review.objects.get(pk=review.pk)
    assert fresh.is_open and not fresh.is_proposed
    assert Entitlement.objects.get(pk=review.entitlement_id).status != EntitlementStatus.STOPPED
    html = page(client, caseworker_a, url(review))
    assert 'id="review-form"' in html and "乡镇撤回提请" in html and "入户核实有误" in html
    assert url(review) in page(client, caseworker_a, reverse("cases:todo"))  # back on the township's list
    assert "暂无待审批的提请" in page(client, approver, reverse("cases:todo"))  # off the county's
    client.force_login(approver)  # nothing left to approve
    assert client.post(url(review), {"action": "approve"}).status_code == 403
