"""The review form's gradual-exit months follow the region's 渐退期上限, in its label and its check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from jiuzhu.cases.models import Review, ReviewKind, ReviewOutcome
from jiuzhu.payments.services import entitlement_create


def test_the_form_offers_and_accepts_at_most_the_regions_gradual_exit(client, standards, make_household, approver):
    household = make_household(standards.village_a1)
    ent = entitlement_create(
        actor=approver,
        household=household,
        program="dibao_urban",
        persons=list(household.members.all()),
        monthly_amount=Decimal("300.00"),
        start_month=dt.date(2025, 7, 1),
    )
    review = Review.objects.create(
        entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=dt.date(2026, 1, 1)
    )
    client.force_login(approver)
    url = reverse("cases:review", args=[review.pk])
    assert "渐退月数（1—6）" in client.get(url).content.decode()
    response = client.post(url, {"outcome": ReviewOutcome.GRADUAL_EXIT, "reasons": "务工收入增加", "exit_months": 12})
    assert response.status_code == 200 and "6" in response.context["form"].errors["exit_months"][0]
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING
