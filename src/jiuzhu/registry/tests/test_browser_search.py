import datetime as dt

import pytest

from jiuzhu.browser import menu, screenshot
from jiuzhu.conftest import PASSWORD
from jiuzhu.registry.models import Relation

pytestmark = pytest.mark.browser


def test_a_township_caseworker_finds_a_person_by_pinyin_initials_and_opens_the_household(
    page,
    live_server,
    county,
    caseworker_a,
    make_household,
):
    household = make_household(
        county.village_a1,
        [
            (
                "王建国",
                dt.date(1948, 2, 3),
                Relation.SELF,
                {"disability_kind": "physical", "disability_grade": 2},
            ),
            ("刘桂英", dt.date(1950, 7, 9), Relation.SPOUSE, {"income_transfer": "180.00"}),
            ("王小明", dt.date(2012, 9, 1), Relation.GRANDSON, {"student": True}),
        ],
        address="云山社区幸福路 12 号",
        phone="13812345678",
    )
    make_household(county.village_b1, [("王继光", dt.date(1960, 1, 1), Relation.SELF, {})])

    page.goto(live_server.url + "/")
    page.fill("#id_username", "caseworker_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    menu(page, "查找人员")
    page.fill("#q", "wjg")
    page.press("#q", "Enter")
    page.wait_for_selector("#results table")
    results = page.inner_text("#results")
    assert "王建国" in results
    assert "王继光" not in results  # township B: outside the caseworker's scope
    screenshot(page, "registry-search-wjg")

    page.click("#results >> text=王建国")
    page.wait_for_url(f"**/registry/households/{household.pk}/")
    body = page.inner_text("main")
    assert "王建国户" in body and "刘桂英" in body and "王小明" in body
    assert "肢体残疾2级" in body
    assert household.members.get(name="王建国").id_number not in body
    screenshot(page, "registry-household")
