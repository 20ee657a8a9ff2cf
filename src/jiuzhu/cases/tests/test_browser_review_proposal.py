"""The review proposal from township to county (issue #10): the township caseworker proposes to stop a running
低保 from the household page, the county approver finds it on the to-do list beside the engine's amount and
approves it, and the household page shows the entitlement stopped from next month.
Screenshots: var/screenshots/proposal-*.png."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.browser import screenshot
from jiuzhu.cases.models import Review
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.payments.models import Entitlement, EntitlementStatus, next_month
from jiuzhu.payments.services import entitlement_create

pytestmark = pytest.mark.browser


def test_the_township_proposes_a_stop_and_the_county_approves_it(
    page, live_server, standards, caseworker_a, approver, dibao_household
):
    base = live_server.url
    today = timezone.localdate()
    ent = entitlement_create(
        actor=approver,
        household=dibao_household,
        program="dibao_urban",
        persons=list(dibao_household.members.all()),
        monthly_amount=Decimal("800.00"),
        start_month=dt.date(today.year - 1, today.month, 1),
    )

    # 1. The caseworker proposes the stop from the household page.
    login(page, base, "caseworker_a")
    page.goto(f"{base}/registry/households/{dibao_household.pk}/")
    page.click("#cases-panel >> text=申请停保")
    page.fill("#id_reasons", "孙子王小明已参加工作，家庭人均收入超过城市低保标准。")
    screenshot(page, "proposal-1-caseworker-stop")
    page.click("#stop-propose button")
    page.wait_for_selector("#review-proposal")
    assert "待县级审批" in page.inner_text("#review-proposal")
    assert page.locator("#review-approve").count() == 0
    review = Review.objects.get(entitlement=ent)

    # 2. The county approver: home page → the proposals waiting, with the engine's amount, → approve.
    login(page, base, "approver")
    page.click("text=待审批的复核提请")
    row = page.inner_text("#review-proposals")
    assert "停止" in row and "800.00" in row and "孙子王小明已参加工作" in row
    screenshot(page, "proposal-2-approver-todo")
    page.click(f"#review-proposals a[href='/cases/reviews/{review.pk}/']")
    page.wait_for_selector("#review-computed")
    screenshot(page, "proposal-3-approver-review")
    page.click("#review-approve button")
    page.wait_for_selector("#review-result")
    assert "停止" in page.inner_text("#review-result")
    history = page.inner_text("#review-history")
    assert "乡镇提请县级审批" in history and "县级审批同意" in history and "乡镇经办甲" in history

    # 3. The household page: stopped, this month the last one paid, the change cited from next month.
    assert Entitlement.objects.get(pk=ent.pk).status == EntitlementStatus.STOPPED
    page.goto(f"{base}/registry/households/{dibao_household.pk}/")
    panel = page.inner_text("#entitlements")
    assert "已停止" in panel or "停止" in panel
    assert f"— {today:%Y-%m}" in panel
    changes = page.inner_text("#entitlement-changes")
    assert f"{next_month(today):%Y-%m}" in changes and "停止发放" in changes and "动态管理复核" in changes
    screenshot(page, "proposal-4-household-stopped")
