"""A phone complaint from the window to the answer, across three logins, ending with the answer the complainant
reads by the query code. Screenshots: var/screenshots/grievances-*.png."""

import pytest

from jiuzhu.browser import menu, screenshot
from jiuzhu.conftest import PASSWORD
from jiuzhu.grievances.models import Grievance, State
from jiuzhu.grievances.selectors import grievance_public_status

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


def test_a_complaint_walks_from_the_window_to_the_answer(page, live_server, county, caseworker_a, approver):
    base = live_server.url
    # 1. The township desk records a phone complaint and reads out the number and query code.
    login(page, base, "caseworker_a")
    menu(page, "投诉举报")
    page.click("text=登记投诉举报")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_topic", "delay")
    page.select_option("#id_region", label=county.village_a2.name)
    page.fill("#id_content", "三月份交的低保申请，两个月了没人来入户调查。")
    page.fill("#id_contact_name", "赵六")
    page.fill("#id_contact_phone", "13900001111")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#receipt")
    number, code = page.inner_text("#number"), page.inner_text("#query-code")
    screenshot(page, "grievances-1-receipt")
    g = Grievance.objects.get(number=number)

    # 2. The county assigns it to the township.
    login(page, base, "approver")
    page.goto(f"{base}/grievances/?state=received")
    page.click(f"#grievances >> text={number}")
    page.select_option("#id_assign-region", label=county.township_a.name)
    page.fill("#id_assign-note", "请核实并于期限内答复")
    page.click("#step-assign button[type=submit]")
    page.wait_for_selector("text=已分派")

    # 3. The township investigates and answers.
    login(page, base, "caseworker_a")
    page.goto(f"{base}/grievances/{g.pk}/")
    page.click("#step-investigate button[type=submit]")
    page.click("#step-answer summary")
    page.fill("#id_answer-answer", "经查，因经办人员调整导致调查延误，已完成入户调查，申请正在审核中。")
    page.click("#step-answer button[type=submit]")
    page.wait_for_selector("#answer")
    screenshot(page, "grievances-2-answered")
    assert "已答复" in page.inner_text("#state")
    assert [e.action for e in g.events.all()] == ["receive", "assign", "investigate", "answer"]

    # 4. The complainant's number and code now show the answer (the portal's page reads this).
    status = grievance_public_status(number=number, query_code=code)
    assert status is not None and status.state == State.ANSWERED.label and "入户调查" in status.answer
