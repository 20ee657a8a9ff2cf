"""The charity office from the web: the officer records a designated donation, proposes a disbursement from the
household page, the approver (another person) approves it, the officer records it paid; the public account shows
the recipient masked. Screenshots: var/screenshots/charity-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.charity.models import Disbursement, DisbursementStatus

pytestmark = pytest.mark.browser


def test_donate_propose_approve_pay_and_publish(
    page: Any, live_server: Any, charity_officer: Any, approver: Any, family_a: Any, standards: Any
) -> None:
    base = live_server.url
    login(page, base, "charity")
    page.goto(f"{base}/charity/donations/new/")
    page.fill("#id_amount", "2000")
    page.select_option("#id_purpose", "medical")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#donations")
    assert "2,000.00" in page.inner_text("#donations")

    page.goto(f"{base}/registry/households/{family_a.pk}/")
    page.click("#charity-panel >> text=提出慈善支出")
    page.select_option("#id_category", "medical")
    page.fill("#id_amount", "1800")
    page.fill("#id_reason", "住院自付费用")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=待审批")
    assert page.locator("#approve").count() == 0  # the proposer cannot approve
    screenshot(page, "charity-1-proposed")
    d = Disbursement.objects.get()

    login(page, base, "approver")
    page.goto(f"{base}/charity/disbursements/{d.pk}/")
    page.click("#approve")
    page.wait_for_selector("text=已批准待发放")
    screenshot(page, "charity-2-approved")

    login(page, base, "charity")
    page.goto(f"{base}/charity/disbursements/{d.pk}/")
    page.click("#pay")
    page.wait_for_selector("h1 >> text=已发放")
    assert Disbursement.objects.get().status == DisbursementStatus.PAID

    page.goto(f"{base}/charity/account/")
    recipients = page.inner_text("#recipients")
    assert "王*明" in recipients and "王小明" not in recipients
    screenshot(page, "charity-3-account")
