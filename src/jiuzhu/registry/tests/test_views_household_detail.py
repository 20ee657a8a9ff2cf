"""The household page: what a caseworker reads about each member."""

import datetime as dt

import pytest
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.registry.models import Relation


@pytest.mark.parametrize(("adl_impossible", "tier"), [(2, "部分失能"), (5, "完全失能")], ids=["partly", "fully"])
def test_the_self_care_cell_shows_the_tier_in_chinese(
    client, county, caseworker_a, make_household, adl_impossible, tier
):
    household = make_household(
        county.village_a1,
        [
            ("钱老汉", dt.date(1940, 3, 1), Relation.SELF, {"adl_impossible": adl_impossible}),
            ("钱小明", dt.date(1990, 3, 1), Relation.SON, {}),
        ],
    )
    assert client.login(username="caseworker_a", password=PASSWORD)
    html = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert f'<span class="tag">{tier}</span>' in html
    # The son manages on his own: 生活自理 is the absence of a tag, not a tag.
    assert '<span class="tag">生活自理</span>' not in html
