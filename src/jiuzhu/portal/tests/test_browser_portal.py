"""The portal on a phone (390×844), as the issue's Done-when asks: the self-check gives the engine's amount for a
golden case; an online application with an upload lands on the township's to-do list and is followed by its
query code; a complaint is answered at the desk and the answer read back on the portal.
Screenshots: var/screenshots/portal-*.png."""

import datetime as dt
from decimal import Decimal

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.conftest import PASSWORD, id_for
from jiuzhu.policy import casebook
from jiuzhu.portal.tests.conftest import PNG
from jiuzhu.portal.tests.selfcheck_data import golden

pytestmark = pytest.mark.browser


def login(page, username):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def desk(phone, username):
    """The staff side on an office screen, logged in: the desk is not the phone's."""
    context = phone.context.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = phone.base
    login(page, username)
    return page


def test_the_self_check_gives_the_engines_amount_for_a_golden_case(phone, standards):
    case = golden("dibao_rural", "15 周岁属于未成年人，加发 10%")
    _result, outcome = casebook.run_monthly(case)
    page = phone
    page.goto(page.base + "/public/")
    screenshot(page, "portal-1-home")
    page.click(".portalnav >> text=自助测算")
    page.select_option("#id_village", standards.village_a2.code)
    page.select_option("#id_area", "rural")
    page.fill("#id_m0-age", "40")
    page.click("[data-add-member]")
    page.fill("#id_m1-age", "15")
    page.select_option("#id_m1-student", "1")
    page.click("#self-check-submit")
    page.wait_for_selector("#estimates")
    amount = page.get_attribute('.estimate[data-program="dibao_rural"] .amount', "data-amount")
    assert Decimal(amount) == outcome.amount == Decimal(832)
    assert outcome.explain[-1].replace("<", "") in page.inner_text('.estimate[data-program="dibao_rural"]').replace(
        "<", ""
    )
    screenshot(page, "portal-2-self-check")


def test_apply_online_with_an_upload_then_the_township_accepts_and_the_family_follows_it(
    phone, standards, caseworker_a, tmp_path
):
    page = phone
    photo = tmp_path / "户口簿.png"
    photo.write_bytes(PNG)
    page.goto(page.base + "/public/apply/")
    page.select_option("#id_program", "dibao_rural")
    page.select_option("#id_village", standards.village_a2.code)
    page.select_option("#id_area", "rural")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_reason", "丈夫病故，独自抚养孩子，无稳定收入")
    page.fill("#id_m0-name", "赵春花")
    page.fill("#id_m0-id_number", id_for(dt.date(1975, 3, 4), male=False))
    page.fill("#id_m0-income_other", "150")
    page.click("[data-add-member]")
    page.fill("#id_m1-name", "钱小宝")
    page.fill("#id_m1-id_number", id_for(dt.date(2014, 8, 1)))
    page.select_option("#id_m1-relation", "son")
    page.select_option("#id_m1-student", "1")
    page.set_input_files("#id_doc_id_cards", str(photo))
    page.check("#id_agree")
    screenshot(page, "portal-3-apply")
    page.click("#apply-submit")
    page.wait_for_selector("#query-code")
    number, code = page.inner_text("#case-number"), page.inner_text("#query-code")
    screenshot(page, "portal-4-applied")

    # The township's to-do list has it, to accept; the caseworker opens the upload and accepts.
    office = desk(page, "caseworker_a")
    office.goto(office.base + "/cases/")
    assert number in office.inner_text("#todo")
    screenshot(office, "portal-5-township-todo")
    office.click(f"#todo >> text={number}")
    assert "网上申请" in office.content()
    screenshot(office, "portal-5b-case")
    office.click("#step-accept button[type=submit]")
    office.wait_for_selector("text=已完成：受理")
    office.context.close()

    # The family follows it with the query code.
    page.goto(page.base + "/public/status/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#status-result")
    assert "待入户调查" in page.inner_text("#status-now")
    assert page.inner_text("#status-due") != "—"
    screenshot(page, "portal-6-status")
    # A wrong code shows nothing of it.
    page.fill("#id_number", number)
    page.fill("#id_code", "AAAAAAAA")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#status-none")
    assert "待入户调查" not in page.content()


def test_a_complaint_is_answered_at_the_desk_and_read_on_the_portal(phone, standards, approver, caseworker_a):
    page = phone
    page.goto(page.base + "/public/complaint/")
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_topic", "delay")
    page.select_option("#id_region", standards.village_a2.code)
    page.fill("#id_content", "申请低保两个月了，还没有人来入户调查。")
    page.fill("#id_contact_name", "孙女士")
    page.fill("#id_contact_phone", "13600001234")
    screenshot(page, "portal-7-complaint")
    page.click("#complaint-submit")
    page.wait_for_selector("#grievance-code")
    number, code = page.inner_text("#grievance-number"), page.inner_text("#grievance-code")

    # The county's desk assigns it to the township, which investigates and answers.
    from jiuzhu.grievances.models import Grievance

    pk = Grievance.objects.get(number=number).pk
    county = desk(page, "approver")
    county.goto(f"{county.base}/grievances/{pk}/")
    county.select_option("#id_assign-region", str(standards.township_a.pk))
    county.click("#step-assign button[type=submit]")
    county.wait_for_selector('#state:has-text("已分派")')
    county.context.close()
    township = desk(page, "caseworker_a")
    township.goto(f"{township.base}/grievances/{pk}/")
    township.click("#step-investigate button[type=submit]")
    township.wait_for_selector("#step-answer")
    if not township.is_visible("#id_answer-answer"):
        township.click("#step-answer summary")
    township.fill("#id_answer-answer", "已于本周入户调查，请保持电话畅通。")
    township.click("#step-answer button[type=submit]")
    township.wait_for_selector("#answer")
    screenshot(township, "portal-8a-desk-answered")
    township.context.close()

    # The complainant reads the answer.
    page.goto(page.base + "/public/complaint/status/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("#complaint-status-form button[type=submit]")
    page.wait_for_selector("#grievance-answer")
    assert "已于本周入户调查" in page.inner_text("#grievance-answer")
    screenshot(page, "portal-8b-complaint-answer")
