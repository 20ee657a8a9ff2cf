"""A death that stops the money, in a real browser (issue #10: "a death does not stop money"): the township
caseworker records the death of the only member of a 低保 household on the household page; the entitlement
shows as stopped from the next month at once, and the re-check is on the township's to-do list now, not in
three months. Screenshots: var/screenshots/cases-death-household.png, cases-death-todo.png."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.browser import screenshot
from jiuzhu.cases.models import Review
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.payments.models import Entitlement, EntitlementStatus, first_of_month, next_month
from jiuzhu.payments.services import entitlement_create
from jiuzhu.registry.models import Relation

pytestmark = pytest.mark.browser


def test_recording_the_death_of_the_only_member_stops_the_entitlement(
    page, live_server, county, make_household, approver, caseworker_a
):
    today = timezone.localdate()
    household = make_household(county.village_a1, [("孙桂兰", dt.date(1940, 3, 8), Relation.SELF, {"labor": "none"})])
    entitlement = entitlement_create(
        actor=approver,
        household=household,
        program="dibao_urban",
        persons=list(household.members.all()),
        monthly_amount=Decimal("560.00"),
        start_month=first_of_month(today - dt.timedelta(days=200)),
    )
    died = today - dt.timedelta(days=2)

    login(page, live_server.url, "caseworker_a")
    page.goto(f"{live_server.url}/registry/households/{household.pk}/")
    assert "正常享受" in page.inner_text("#entitlements tbody tr")
    page.click("table >> a:has-text('修改')")
    page.fill("#id_date_of_death", died.isoformat())
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/registry/households/{household.pk}/")

    # The household page: the member marked dead, the entitlement stopped, its last month the month of death.
    assert f"{died:%Y-%m-%d} 死亡" in page.inner_text("main")
    row = page.inner_text("#entitlements tbody tr")
    entitlement = Entitlement.objects.get(pk=entitlement.pk)
    assert entitlement.status == EntitlementStatus.STOPPED and entitlement.end_month == first_of_month(died)
    assert f"— {died:%Y-%m}" in row and "已停止" in row
    assert next_month(died) > entitlement.end_month  # nothing is paid for the month after the death
    screenshot(page, "cases-death-household")

    # The re-check is on the township's to-do list today.
    review = Review.objects.get(entitlement=entitlement)
    page.goto(f"{live_server.url}/cases/")
    link = page.locator(f"a[href='/cases/reviews/{review.pk}/']")
    assert link.count() >= 1, "the death re-check is not on the caseworker's to-do list"
    assert "孙桂兰" in page.inner_text("main")
    screenshot(page, "cases-death-todo")
