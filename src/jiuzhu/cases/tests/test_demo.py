import datetime as dt

from jiuzhu.cases import selectors
from jiuzhu.cases.demo import cases_seed, intake_seed
from jiuzhu.cases.models import Case, Review, Status
from jiuzhu.registry.models import Relation


def test_the_demo_county_gets_cases_in_every_state_some_overdue_and_reviews_due(county, make_household):
    for i in range(70):
        village = (county.village_a1, county.village_a2, county.village_b1)[i % 3]
        make_household(village, [(f"演示{i:02d}号", dt.date(1950 + i % 40, 1, 1), Relation.SELF, {})])
    today = dt.date(2025, 6, 10)
    counts = cases_seed(county=county.county, today=today, rng_seed=7)
    assert set(counts) == set(Status.values) - {Status.SUPPLEMENT, Status.NOT_ACCEPTED}  # intake_seed's
    assert Case.objects.filter(due_date__lt=today).exists()
    month_end = dt.date(2025, 7, 1)
    assert Review.objects.filter(due_date__lt=month_end, outcome="").exists()


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
