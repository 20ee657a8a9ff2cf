import datetime as dt
from decimal import Decimal

from jiuzhu.cases import selectors
from jiuzhu.cases.demo import cases_seed, intake_seed
from jiuzhu.cases.models import Case, Review, Status
from jiuzhu.registry.models import Relation


def test_the_demo_county_gets_cases_in_every_state_some_overdue_and_reviews_due(county, make_household):
    for i in range(70):
        village = (county.village_a1, county.village_a2, county.village_b1)[i % 3]
        # One in five earns well above the standard: the engine refuses them, so the demo has refusals.
        income = {"income_wage": Decimal("4000")} if i % 5 == 0 else {}
        make_household(village, [(f"演示{i:02d}号", dt.date(1950 + i % 40, 1, 1), Relation.SELF, income)])
    today = dt.date(2025, 6, 10)
    counts = cases_seed(county=county.county, today=today, rng_seed=7)
    assert set(counts) == set(Status.values) - {Status.SUPPLEMENT, Status.NOT_ACCEPTED}  # intake_seed's
    assert Case.objects.filter(due_date__lt=today).exists()
    month_end = dt.date(2025, 7, 1)
    assert Review.objects.filter(due_date__lt=month_end, outcome="").exists()


def test_the_demo_townships_propose_what_the_engine_finds_and_the_county_returns_one(
    standards, make_household, dibao_household, caseworker_a, caseworker_b, approver
):
    from decimal import Decimal

    from jiuzhu.cases.demo import review_proposals_seed
    from jiuzhu.cases.models import ReviewKind
    from jiuzhu.payments.services import entitlement_create

    today = dt.date(2025, 6, 10)
    wage = {"income_wage": Decimal("6000.00"), "labor": "full"}
    earner = make_household(standards.village_b1, [("赵务工", dt.date(1980, 1, 1), Relation.SELF, wage)])
    for hh, program in ((dibao_household, "dibao_urban"), (earner, "dibao_rural")):
        ent = entitlement_create(actor=approver, household=hh, program=program, persons=list(hh.members.all()),
                                 monthly_amount=Decimal("300.00"), start_month=dt.date(2024, 7, 1))  # fmt: skip
        Review.objects.create(entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=today)
    made = review_proposals_seed(proposers=[caseworker_a, caseworker_b], approver=approver, today=today)
    assert made == 2
    returned = Review.objects.get(returned_at__isnull=False)
    assert returned.region_code.startswith("330727100") and returned.returned_reasons
    waiting = Review.objects.exclude(proposed_outcome="").get()
    assert waiting.region_code.startswith("330727101") and waiting.proposed_outcome == "stop"
    assert waiting.proposed_by == caseworker_b and waiting.events.count() == 1


def test_the_demo_townships_have_supplements_waiting_and_applications_not_accepted(
    county, make_household, caseworker_a, caseworker_b, clerk_a
):
    for i in range(24):
        village = (county.village_a1, county.village_a2, county.village_b1)[i % 3]
        make_household(village, [(f"演示{i:02d}号", dt.date(1950 + i % 40, 1, 1), Relation.SELF, {})])
    today = dt.date(2025, 6, 10)
    counts = intake_seed(caseworkers=[caseworker_a, caseworker_b], clerk=clerk_a, today=today, rng_seed=7)
    assert counts == {Status.SUPPLEMENT: 4, Status.SUBMITTED: 2, Status.NOT_ACCEPTED: 4}
    for worker in (caseworker_a, caseworker_b):
        todo = {(i.action, i.overdue) for i in selectors.todo_for(user=worker, on=today)}
        assert {("supply", False), ("not_accept", True), ("accept", False)} <= todo
    waiting = [i for i in selectors.todo_for(user=clerk_a, on=today) if i.action == "supply"]
    assert waiting and all(i.case.region_code == clerk_a.region.code for i in waiting)
    every = Case.objects.filter(status=Status.NOT_ACCEPTED)
    assert {c.not_accepted_reason for c in every} == {"registration", "supplement_overdue"}
    assert all(e.actor_id for c in every for e in c.events.all())
