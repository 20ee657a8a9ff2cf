"""The approver raises the amount above the computed one; the second approver finds it on the to-do list, reads
the reason beside the computed amount and accepts it. Screenshots: var/screenshots/cases-check-*.png."""

from decimal import Decimal

import pytest

from jiuzhu.accounts.models import Role
from jiuzhu.browser import menu, screenshot
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import at_state
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.conftest import _user
from jiuzhu.payments.models import Entitlement

pytestmark = pytest.mark.browser


def test_a_raised_amount_is_checked_by_the_second_approver(page, live_server, new_case, head_a, approver):
    _user("approver2", Role.COUNTY_APPROVER, approver.region, full_name="县审批乙")
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    base = live_server.url
    login(page, base, "approver")
    page.goto(f"{base}/cases/{case.pk}/decide/")
    computed = Decimal(page.input_value("#id_confirm-amount"))
    page.fill("#id_confirm-amount", str(computed + 200))
    page.fill("#id_confirm-override_reason", "户主重病长期住院，另加护理费")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#amount-check")
    assert "另一名审核人员复核" in page.inner_text("body")
    assert not Entitlement.objects.exists()

    login(page, base, "approver2")
    menu(page, "待办")
    assert "复核确认金额" in page.inner_text("#todo")
    page.click(f"#todo >> text={case.number}")
    page.wait_for_selector("#check-form")
    assert "户主重病长期住院" in page.inner_text("#amount-check")
    page.check("#check-form input[value=accept]")
    page.fill("#id_check_amount-note", "已核实住院证明")
    screenshot(page, "cases-check-1-second-approver")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("text=已完成：复核确认金额")
    screenshot(page, "cases-check-2-accepted")
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED
    assert Entitlement.objects.get(source_case=case).monthly_amount == computed + 200
