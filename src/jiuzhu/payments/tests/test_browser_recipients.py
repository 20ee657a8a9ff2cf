"""The 在保对象名册 in a real browser (issue #10): the county approver filters it by programme, township and
status, then downloads the filtered list as Excel and finds in it the rows the page showed.
Screenshot: var/screenshots/payments-recipients-filtered.png."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from jiuzhu.browser import menu, screenshot
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.payments import services

pytestmark = pytest.mark.browser


def _shown(page) -> list[str]:
    """The household numbers the roster's table lists."""
    return sorted(page.locator("#recipients tbody td:first-child a").all_inner_texts())


def _search(page) -> None:
    """Submits the filters and waits for the page they give (reading the table at once may read the old one)."""
    with page.expect_navigation():
        page.click(".searchbar button")


def test_the_roster_filtered_and_exported(page, live_server, county, paying, approver, tmp_path):
    services.entitlement_suspend(
        actor=approver, entitlement=paying["a3"], reason="外出未联系上", on=dt.date(2026, 10, 20)
    )
    login(page, live_server.url, "approver")
    menu(page, "在保对象")
    page.fill("input[name=month]", "2026-12")
    _search(page)
    every = {e.household.number for e in paying.values() if e is not paying["a3"]}
    assert set(_shown(page)) == every  # paid in December: all but the suspended one

    # 农村低保 in 安文街道, paid: a2 only (a3 is suspended, b1 is in 尖山镇)
    page.select_option("select[name=program]", "dibao_rural")
    page.select_option("select[name=region]", label=county.township_a.name)
    _search(page)
    assert _shown(page) == [paying["a2"].household.number]
    assert "共 1 户 1 人" in page.inner_text("#recipient-totals") and "396.50" in page.inner_text("#recipient-totals")

    # The same, suspended: a3
    page.select_option("select[name=status]", "suspended")
    _search(page)
    assert _shown(page) == [paying["a3"].household.number]
    assert "暂停发放" in page.inner_text("#recipients")
    screenshot(page, "payments-recipients-filtered")

    # The export holds what the page shows, under the same filter.
    with page.expect_download() as download:
        page.click("a:has-text('导出 Excel')")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "在保对象名册-202612.xlsx"
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("户编号", "户主", "所属村（社区）", "救助项目")
    assert [r[0] for r in rows[1:]] == [paying["a3"].household.number]
    a3 = rows[1]
    assert a3[1] == "赵大海" and a3[3] == "农村最低生活保障" and a3[-1] == "暂停发放"
