"""Headless Debian Chromium for browser tests, through Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("JIUZHU_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(os.environ.get("JIUZHU_SCREENSHOT_DIR", "var/screenshots"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("JIUZHU_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests are required here but {CHROMIUM} is missing (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:  # noqa: ARG001 - the server the page browses must be up
    """A Playwright page in Chinese, 1366×900, against the live test server."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls the fixtures make are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        try:
            yield pg
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright's loop runs may have opened their own connections, which
            # would keep the test database busy when PostgreSQL is asked to drop it.
            from django.db import connections

            connections.close_all()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def menu(page: Any, label: str) -> None:
    """Open a page from the top menu as a user does: a page under a heading is reached by opening the heading
    first (the menu's headings drop down, base.html)."""
    link = page.locator("nav.mainnav a", has_text=label).first
    heading = page.locator("nav.mainnav details.navgroup", has=page.locator("a", has_text=label))
    if heading.count() and not link.is_visible():
        heading.locator("summary").click()
    link.click()
