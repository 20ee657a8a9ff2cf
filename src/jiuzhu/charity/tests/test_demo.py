import datetime as dt
from typing import Any

from jiuzhu.charity.demo import charity_seed
from jiuzhu.charity.models import Disbursement, DisbursementStatus, Fund, Need, NeedStatus
from jiuzhu.charity.selectors import public_account
from jiuzhu.registry.models import Relation


def test_the_demo_has_a_charity_day_and_disbursements_in_every_state(
    county: Any, make_household: Any, charity_officer: Any, approver: Any, standards: Any
) -> None:
    for i in range(14):
        village = (county.village_a1, county.village_a2, county.village_b1)[i % 3]
        make_household(village, [(f"演示{i:02d}号", dt.date(1950 + i, 1, 1), Relation.SELF, {})])
    today = dt.date(2025, 6, 10)
    assert charity_seed(county=county.county, today=today, officer=charity_officer, approver=approver, rng_seed=3)
    assert set(Disbursement.objects.values_list("status", flat=True)) == set(DisbursementStatus.values)
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.OPEN, NeedStatus.MET}
    account = public_account(year=2025)
    assert account.campaigns and account.campaigns[0].raised > 0
    assert all(f.balance >= 0 for f in Fund.objects.all())
