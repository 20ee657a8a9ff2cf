"""The month's payroll from the web: the county admin generates it, the approver checks and approves it (a
second person: maker-checker), and the household page shows what was paid. Screenshots:
var/screenshots/payroll-*.png. (Downloading the bank file and uploading a return: helper "bank"'s pages.)"""

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.payments.models import Payroll, PayrollStatus

pytestmark = pytest.mark.browser


def test_generate_check_and_approve_a_payroll(page, live_server, county, paying, admin, approver):
    base = live_server.url
    # 1. The county admin prepares December's payroll for the whole county.
    login(page, base, "admin")
    page.click("nav >> text=资金发放")
    page.fill("#id_month", "2026-12")
    page.select_option("#id_region", label=county.county.name)
    page.click("#payroll-generate button[type=submit]")
    page.wait_for_selector("#payroll-compare")
    assert "2,220.50" in page.inner_text("#payroll-total")
    assert page.locator("#payroll-check").count() == 0  # the one who generated it does not check it
    screenshot(page, "payroll-1-generated")
    payroll = Payroll.objects.get()

    # 2. The approver checks it, then approves it.
    login(page, base, "approver")
    page.goto(f"{base}/payments/{payroll.pk}/")
    assert "安文街道" in page.inner_text("#payroll-compare") and "尖山镇" in page.inner_text("#payroll-compare")
    page.click("#payroll-check")
    page.wait_for_selector("#payroll-approve")
    assert "已复核" in page.inner_text("#payroll-status")
    page.click("#payroll-approve")
    page.wait_for_selector("#payroll-status >> text=已审批")
    screenshot(page, "payroll-2-approved")
    assert Payroll.objects.get().status == PayrollStatus.APPROVED

    # 3. The household page shows the payment in its ledger.
    page.goto(f"{base}/registry/households/{paying['a1'].household_id}/")
    assert "528.00" in page.inner_text("#ledger")
    screenshot(page, "payroll-3-ledger")
