"""The county's to-do list shows each township proposal beside the engine's amount for the household now; all
of them come from one pass of the engine (issue #11, load) and must read exactly as the review page's
one-household reading (`engine_for_review`) does: household programmes, 单人保, person programmes, a programme
without a monthly rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.models import Review, ReviewKind
from jiuzhu.payments.services import entitlement_create
from jiuzhu.registry.models import Relation


def _review(approver, household, program, persons) -> Review:
    ent = entitlement_create(
        actor=approver,
        household=household,
        program=program,
        persons=persons,
        monthly_amount=Decimal("300.00"),
        start_month=dt.date(2025, 7, 1),
    )
    return Review.objects.create(
        entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=timezone.localdate()
    )


def test_one_pass_reads_as_each_review_alone(
    standards, county, make_household, dibao_household, approver, django_assert_max_num_queries
):
    poor = make_household(county.village_a2, [("李四", dt.date(1940, 3, 1), Relation.SELF, {"labor": "none"})])
    richer = make_household(
        county.village_b1,
        [
            ("赵大", dt.date(1970, 1, 1), Relation.SELF, {"income_wage": Decimal("9000.00")}),
            ("钱二", dt.date(1935, 1, 1), Relation.FATHER, {"disability_kind": "physical", "disability_grade": 1}),
        ],
    )
    father = richer.members.get(relation=Relation.FATHER)
    head = dibao_household.members.get(relation=Relation.SELF)
    reviews = [
        _review(approver, dibao_household, "dibao_urban", list(dibao_household.members.all())),
        _review(
            approver, poor, "dibao_rural" if not county.village_a2.is_urban else "dibao_urban", list(poor.members.all())
        ),
        _review(approver, richer, "dibao_rural" if not county.village_b1.is_urban else "dibao_urban", [father]),
        _review(approver, dibao_household, "canji_shenghuo", [head]),
        _review(approver, richer, "canji_huli", [father]),
        _review(approver, poor, "linshi", list(poor.members.all())),
    ]
    today = timezone.localdate()
    one_by_one = [services.engine_for_review(review=r, on=today) for r in reviews]
    with django_assert_max_num_queries(6):
        batch = services.engines_for_reviews(reviews=reviews, on=today)
    assert [(r.eligible, r.amount) for r in batch] == [(r.eligible, r.amount) for r in one_by_one]
    assert any(r.eligible for r in batch) and any(r.eligible is False for r in batch)
    assert batch[-1].eligible is None  # 临时救助 has no monthly rule


def test_no_reviews_no_engine(approver):
    assert services.engines_for_reviews(reviews=[], on=timezone.localdate()) == []
