"""One 低保 application from the village clerk to the county's approval, across four logins, ending on the
household page with the new entitlement. Screenshots: var/screenshots/cases-*.png."""

import datetime as dt

import pytest
from django.utils import timezone

from jiuzhu.browser import screenshot
from jiuzhu.cases.models import Case, Notice
from jiuzhu.conftest import PASSWORD
from jiuzhu.payments.models import Entitlement

pytestmark = pytest.mark.browser


def login(page, base, username):
    page.goto(base + "/")
    if page.locator("text=退出").count():
        page.click("text=退出")
    page.goto(base + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_a_dibao_application_walks_from_the_clerk_to_the_county(
    page, live_server, county, clerk_a, caseworker_a, head_a, approver, dibao_household
):
    base = live_server.url
    # 1. The village clerk enters the application on the family's behalf.
    login(page, base, "clerk_a")
    page.goto(f"{base}/registry/households/{dibao_household.pk}/")
    page.click("#cases-panel >> text=提交救助申请")
    page.select_option("#id_program", "dibao_urban")
    page.select_option("#id_applicant", label="王建国")
    page.fill("#id_reason", "老两口无固定收入，孙子在读")
    screenshot(page, "cases-1-clerk-apply")
    page.click("#case-create button[type=submit]")
    page.wait_for_selector("#case-status")
    assert "待受理" in page.inner_text("#case-status")
    case = Case.objects.get()

    # 2. The township caseworker: to-do list, accept, home visit, economic check.
    login(page, base, "caseworker_a")
    page.click("nav >> text=待办")
    assert case.number in page.inner_text("#todo")
    screenshot(page, "cases-2-caseworker-todo")
    page.click(f"#todo >> text={case.number}")
    page.click("#step-accept button[type=submit]")
    page.wait_for_selector("text=已完成：受理")
    page.fill("#id_investigate-investigator_1", "张磊")
    page.fill("#id_investigate-investigator_2", "李芳")
    page.fill("#id_investigate-findings", "两位老人无劳动能力，孙子在校，住房一套，无车辆。")
    page.check("#id_investigate-family_confirmed")
    page.click("#step-investigate button[type=submit]")
    page.wait_for_selector("text=已完成：入户调查")
    page.click("#step-request_check button[type=submit]")
    page.wait_for_selector("text=已完成：申请经济状况核对")
    page.fill("#id_record_check-result", "未发现车辆、房产、工商登记；存款 0 元。")
    page.click("#step-record_check button[type=submit]")
    page.wait_for_selector("text=已完成：录入核对结果")
    screenshot(page, "cases-3-caseworker-checked")

    # 3. The township head signs the opinion and posts the notice.
    login(page, base, "head_a")
    page.goto(f"{base}/cases/{case.pk}/")
    page.fill("#id_township_opinion-text", "经调查核对，家庭人均收入低于城市低保标准，建议纳入。")
    page.click("#step-township_opinion button[type=submit]")
    page.wait_for_selector("text=已完成：乡镇审核意见")
    page.click("#step-publish_notice button[type=submit]")
    page.wait_for_selector("text=已完成：张贴公示")
    assert "公示中" in page.inner_text("#case-status")
    notice = Notice.objects.get()
    page.goto(f"{base}/cases/public/notices/{notice.public_id}/")
    assert "王*国" in page.inner_text("#notice-entries") and "王建国" not in page.content()
    screenshot(page, "cases-4-public-notice")

    # Seven days pass without objection.
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(
        start_date=today - dt.timedelta(days=9), end_date=today - dt.timedelta(days=3)
    )

    # 4. The county approver confirms with the engine's calculation in front of them.
    login(page, base, "approver")
    page.click("nav >> text=待办")
    page.click(f"#todo >> text={case.number}")
    page.wait_for_selector("#engine-snapshot")
    assert "低保标准" in page.inner_text("#engine-snapshot")
    screenshot(page, "cases-5-approver-decide")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("text=已完成：审核确认")
    ent = Entitlement.objects.get(source_case=case)
    page.goto(f"{base}/registry/households/{dibao_household.pk}/")
    panel = page.inner_text("#entitlements")
    assert "城市最低生活保障" in panel and ent.start_month.strftime("%Y-%m") in panel and "正常享受" in panel
    screenshot(page, "cases-6-household-entitlement")
