"""The county dashboard in headless Chromium: the four charts drawn by the vendored ECharts (a canvas each),
the summary sentences in Chinese, a figure leading down to its households; the township's own dashboard.
Screenshots: var/screenshots/reports-*.png."""

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.reports.services.snapshots import snapshot_build
from jiuzhu.reports.services.targets import target_set
from jiuzhu.reports.tests.conftest import MONTHS

pytestmark = pytest.mark.browser


def test_dashboard_charts_render(page, live_server, history, county, admin, caseworker_a):
    for month in MONTHS:
        snapshot_build(month=month)
    target_set(actor=admin, year=2026, region=county.county, program="dibao_rural", persons=2, money=None)
    base = live_server.url
    login(page, base, "admin")
    page.click("nav >> text=统计报表")
    page.wait_for_selector("#chart-trend[data-rendered='1'] canvas")
    for chart in ("trend", "money", "children", "shares"):
        assert page.locator(f"#chart-{chart} canvas").count() >= 1
    sentences = page.inner_text(".rp-sentences")
    assert "全县城市低保保障3人" in sentences and "完成目标任务的" in sentences
    screenshot(page, "reports-1-county")
    # A figure leads to the households behind it.
    page.click(".rp-table >> text=农村低保")
    assert history["households"]["a2"].number in page.inner_text("table")
    screenshot(page, "reports-2-households")
    # The township caseworker sees its own township, its villages as the bars.
    login(page, base, "caseworker_a")
    page.goto(base + "/reports/")
    page.wait_for_selector("#chart-children[data-rendered='1'] canvas")
    assert "安文街道" in page.inner_text("h1") and "尖山镇" not in page.content()
    screenshot(page, "reports-3-township")


def test_oversight_panels_draw_and_lead_to_their_lists(page, live_server, oversight, approver):
    """The monitoring and findings panels draw their stacked bars; a bar segment opens the list behind it."""
    base = live_server.url
    login(page, base, "approver")
    page.goto(base + "/reports/")
    page.wait_for_selector("#chart-monitoring[data-rendered='1'] canvas")
    page.wait_for_selector("#chart-findings[data-rendered='1'] canvas")
    cards = page.inner_text(".rp-panels")
    assert "Ⅰ级红色预警" in cards and "逾期未核实" in cards
    screenshot(page, "reports-4-oversight")
    # The red segment of township A's bar (two red warnings): its middle, in the chart's own pixels.
    page.locator("#chart-monitoring").scroll_into_view_if_needed()
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-monitoring'))"
        ".convertToPixel({seriesIndex: 0}, [0, 1])"
    )
    box = page.locator("#chart-monitoring").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/monitoring/?*")
    assert "level=red" in page.url and "township=330727100" in page.url
    assert page.locator("a[href^='/monitoring/'][href$='/']").count() >= 2
