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


def _one_line(page) -> None:
    bar = page.locator("header.topbar").bounding_box()
    assert bar is not None and bar["height"] < 70, bar  # one line, not two or three
    tops = {round(box["y"]) for box in (e.bounding_box() for e in page.locator("nav.mainnav > *").all()) if box}
    assert len(tops) == 1, tops  # every entry of the menu on the same line


@pytest.mark.parametrize("role", ["admin", "caseworker_a"])
def test_the_menu_is_one_line_in_english_too(page, live_server, role, admin, caseworker_a):
    """At 1366 px the English menu had wrapped to three lines: longer words, the same bar. The user's name,
    role and region give way (cut short, whole in their title) before the menu does."""
    user = {"admin": admin, "caseworker_a": caseworker_a}[role]
    base = live_server.url
    page.goto(base + "/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.click("header.topbar .lang button")  # English
    page.wait_for_selector("html[lang=en]")
    assert page.locator("nav.mainnav summary:has-text('Household')").count() == 1
    _one_line(page)
    title = page.locator(".whoami .who").get_attribute("title") or ""
    assert title.startswith(user.full_name) and title.endswith(user.region.name), title
    screenshot(page, f"core-menu-en-{role}")
    page.click("header.topbar .lang button")  # back to Chinese: one line as before
    page.wait_for_selector("html[lang=zh-hans]")
    _one_line(page)
