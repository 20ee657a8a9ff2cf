"""The township caseworker scans, finds a red warning on the home page, opens the household, logs a measure
and eliminates the risk; the English page reads in English. Screenshots: var/screenshots/monitoring-*.png."""

import pytest

from jiuzhu.browser import menu, screenshot
from jiuzhu.conftest import PASSWORD
from jiuzhu.monitoring.models import MonitoredHousehold
from jiuzhu.monitoring.tests.support import build

pytestmark = pytest.mark.browser


def test_a_caseworker_answers_a_red_warning(page, live_server, standards, make_household, caseworker_a):
    hh = build(standards, make_household)
    base = live_server.url
    page.goto(base + "/")
    page.fill("#id_username", "caseworker_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    menu(page, "监测预警")
    page.click("text=监测筛查")
    page.click("button:has-text('开始筛查')")
    page.wait_for_selector("text=新纳入监测 4 户")
    screenshot(page, "monitoring-1-scan")
    page.goto(base + "/")
    assert "新的红色预警" in page.inner_text("body")
    page.click(f"text={hh.rigid.number}")
    assert "Ⅰ级红色预警" in page.inner_text("#monitoring-level")
    page.select_option("#id_kind", "protection")
    page.fill("#id_description", "申请医疗救助")
    page.click("#measure-form button")
    page.wait_for_selector("#measures >> text=申请医疗救助")
    page.fill("#id_reasons", "医疗救助报销后支出回落")
    page.click("#eliminate-form button")
    page.wait_for_selector("text=已标记风险消除")
    screenshot(page, "monitoring-2-household")
    assert MonitoredHousehold.objects.get(household=hh.rigid).status == "eliminated"
    page.click("text=English")
    page.wait_for_selector("text=Risk eliminated")
    screenshot(page, "monitoring-3-english")
