import datetime as dt
from decimal import Decimal

from jiuzhu.cases.demo import cases_seed
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
    assert set(counts) == set(Status.values)
    assert Case.objects.filter(due_date__lt=today).exists()
    month_end = dt.date(2025, 7, 1)
    assert Review.objects.filter(due_date__lt=month_end, outcome="").exists()
