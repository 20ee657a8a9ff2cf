"""受理 or not, in the browser: the caseworker asks once for the missing materials, the village clerk brings
them, the caseworker accepts; and one application not accepted, with its printed 告知书.
Screenshots: var/screenshots/cases-intake-*.png."""

import pytest

from jiuzhu.browser import screenshot
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.test_browser_dibao import login

pytestmark = pytest.mark.browser


def test_the_caseworker_asks_for_a_supplement_the_clerk_brings_it_and_the_caseworker_accepts(
    page, live_server, tmp_path, county, clerk_a, caseworker_a, new_case
):
    base = live_server.url
    case = new_case()

    # The caseworker finds the materials incomplete and says at once everything to bring.
    login(page, base, "caseworker_a")
    page.goto(f"{base}/cases/{case.pk}/")
    page.click("#step-request_supplement summary")
    page.check("#step-request_supplement label:has-text('家庭收入情况说明') input")
    page.check("#step-request_supplement label:has-text('家庭财产申报') input")
    page.fill("#id_request_supplement-other", "近六个月银行流水")
    screenshot(page, "cases-intake-1-caseworker-asks")
    page.click("#step-request_supplement button[type=submit]")
    page.wait_for_selector("text=已完成：一次性告知补正材料")
    assert "待补正" in page.inner_text("#case-status")
    asked = page.inner_text("#supplement")
    assert "家庭收入情况说明" in asked and "近六个月银行流水" in asked and "应于" in asked
    assert page.locator("#step-accept").count() == 0
    pdf = page.request.get(base + page.get_attribute("#supplement-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # The village clerk sees what is missing on the to-do list, uploads one paper and records the rest.
    login(page, base, "clerk_a")
    page.click("nav >> text=待办")
    row = page.locator("#todo tr", has_text=case.number)
    assert "登记补正材料" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("#supplement")
    assert page.locator("#step-not_accept").count() == 0
    scan = tmp_path / "income.pdf"
    scan.write_bytes(b"%PDF-1.4 family income statement")
    page.select_option("select[name=kind]", label="家庭收入情况说明")
    page.set_input_files("input[name=file]", str(scan))
    page.click("form[action$='/documents/'] button")
    page.wait_for_selector("text=已上传")
    assert page.is_checked("#step-supply label:has-text('家庭收入情况说明') input")  # uploaded: counted
    page.check("#step-supply label:has-text('家庭财产申报') input")
    page.check("#step-supply label:has-text('近六个月银行流水') input")
    page.fill("#id_supply-note", "户主到村委会补交")
    screenshot(page, "cases-intake-2-clerk-supplies")
    page.click("#step-supply button[type=submit]")
    page.wait_for_selector("text=已完成：登记补正材料")
    assert "待受理" in page.inner_text("#case-status")

    # Back on the caseworker's list, to accept.
    login(page, base, "caseworker_a")
    page.click("nav >> text=待办")
    row = page.locator("#todo tr", has_text=case.number)
    assert "受理" in row.inner_text()
    row.locator("a").click()
    page.click("#step-accept button[type=submit]")
    page.wait_for_selector("text=已完成：受理")
    assert "待入户调查" in page.inner_text("#case-status")
    history = page.locator("h2:has-text('办理记录') + table").inner_text()
    for step in ("提交申请", "一次性告知补正材料", "登记补正材料", "受理"):
        assert step in history
    assert "request_supplement" not in page.content()
    screenshot(page, "cases-intake-3-accepted")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.supplements.get().supplied_on is not None


def test_the_caseworker_does_not_accept_an_application_with_written_reasons(
    page, live_server, county, caseworker_a, new_case
):
    base = live_server.url
    case = new_case("tekun_dispersed")
    login(page, base, "caseworker_a")
    page.goto(f"{base}/cases/{case.pk}/")
    page.click("#step-not_accept summary")
    page.select_option("#id_not_accept-reason", "registration")
    page.fill("#id_not_accept-text", "申请人户籍在邻县，未在本镇居住，请向户籍所在地乡镇申请。")
    page.click("#step-not_accept button[type=submit]")
    page.wait_for_selector("text=已完成：不予受理")
    assert "不予受理" in page.inner_text("#case-status")
    said = page.inner_text("#not-accepted")
    assert "户籍不在本乡镇" in said and "请向户籍所在地乡镇申请" in said
    assert page.locator("details.step").count() == 0  # closed: nothing more to do
    screenshot(page, "cases-intake-4-not-accepted")
    pdf = page.request.get(base + page.get_attribute("#not-accepted-pdf", "href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    case.refresh_from_db()
    assert case.status == Status.NOT_ACCEPTED
