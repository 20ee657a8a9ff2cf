"""The grouped top menu in a real browser: one line at 1366 px, a heading opens its pages, one at a time."""

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_menu_is_one_line_and_its_headings_drop_down(page, live_server, admin):
    base = live_server.url
    page.goto(base + "/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    bar = page.locator("header.topbar").bounding_box()
    assert bar is not None and bar["height"] < 70  # one line, not two
    page.click("summary:has-text('系统')")
    assert page.locator("details.navgroup[open] a:has-text('用户管理')").is_visible()
    screenshot(page, "core-menu-open")
    page.click("summary:has-text('家庭')")  # opening another closes the first
    assert page.locator("details.navgroup[open]").count() == 1
    page.click("details.navgroup[open] a:has-text('家庭名册')")
    page.wait_for_url(base + "/registry/households/")
    assert page.locator("details.navgroup.active summary:has-text('家庭')").count() == 1
