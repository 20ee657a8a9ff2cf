"""The month's payroll from the web: the county admin generates it, the approver checks and approves it (a
second person: maker-checker), downloads the bank file and uploads the bank's return with a failure; the
household page shows what was paid and what the bank returned. Screenshots: var/screenshots/payroll-*.png."""

import pytest

from jiuzhu.browser import menu, screenshot
from jiuzhu.cases.tests.test_browser_dibao import login
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import AccountFlag, BankFile, LineStatus, Payroll, PayrollStatus
from jiuzhu.registry.services import household_update

pytestmark = pytest.mark.browser


def test_generate_check_and_approve_a_payroll(page, live_server, county, paying, admin, approver, tmp_path):
    base = live_server.url
    for n, entitlement in enumerate(paying.values()):  # the bank pays to accounts on file
        if not entitlement.household.bank_account:
            household_update(actor=admin, household=entitlement.household, bank_account=f"62170099{n:011d}")
    # 1. The county admin prepares December's payroll for the whole county.
    login(page, base, "admin")
    menu(page, "资金发放")
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

    # 3. The approver downloads the file for the bank from the payroll page.
    page.click("#payroll-bank")
    page.select_option("#id_layout", "csv")
    with page.expect_download() as download:
        page.click("#bank-export button[type=submit]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    bank_file = BankFile.objects.get()
    assert saved.name == bank_file.filename and saved.read_bytes().count(b"\r\n") >= bank_file.line_count
    page.goto(f"{base}/payments/{payroll.pk}/")
    page.wait_for_selector("#payroll-status >> text=已导出银行文件")

    # 4. The bank's return: one account closed. Uploaded, the line is marked and the household flagged.
    failed = paying["a3"].household
    returned = tmp_path / "回盘.csv"
    returned.write_bytes(bank_return_simulate(payroll=payroll, layout="csv", failures={failed.pk: "账户已销户"}))
    page.click("#payroll-bank")
    page.set_input_files("#bank-return input[type=file]", str(returned))
    page.click("#bank-return button[type=submit]")
    page.wait_for_selector("text=失败1笔")
    assert Payroll.objects.get().status == PayrollStatus.RECONCILED
    assert AccountFlag.objects.get(resolved_at__isnull=True).household == failed
    page.goto(f"{base}/payments/{payroll.pk}/lines/?q={failed.number}")
    assert "失败（账户已销户）" in page.inner_text("#payroll-lines")
    assert payroll.lines.filter(household=failed, status=LineStatus.FAILED).exists()
    page.goto(f"{base}/registry/households/{failed.pk}/")
    assert "账户已销户" in page.inner_text("#account-flag") and "100.00" in page.inner_text("#ledger")
    screenshot(page, "payroll-4-returned")

    # 5. The household page shows the payment in its ledger.
    page.goto(f"{base}/registry/households/{paying['a1'].household_id}/")
    assert "528.00" in page.inner_text("#ledger") and "已发放" in page.inner_text("#ledger")
    assert page.locator("#account-flag").count() == 0
    screenshot(page, "payroll-3-ledger")


def test_the_job_page_shows_a_moving_percentage_then_opens_the_payroll(page, live_server, county, paying, admin):
    """The worker stores its progress as it runs; the page polls it (no reload), then opens the payroll."""
    from jiuzhu.payments.models import PayrollJob
    from jiuzhu.payments.progress import job_progress_save

    base = live_server.url
    job = PayrollJob.objects.create(
        user=admin, region=county.county, region_code=county.county.code, month=paying["a1"].start_month,
        status=PayrollJob.Status.RUNNING,
    )  # fmt: skip
    job_progress_save(job.pk, 12, "读取待遇")
    login(page, base, "admin")
    page.goto(f"{base}/payments/jobs/{job.pk}/")
    assert page.inner_text("#job-percent") == "12%"
    job_progress_save(job.pk, 64, "写入发放明细")
    page.wait_for_selector("#job-percent >> text=64%")
    assert "写入发放明细" in page.inner_text("#job-stage")
    assert page.eval_on_selector("#job-bar", "el => el.value") == 64
    screenshot(page, "payroll-job-progress")
    payroll = Payroll.objects.create(
        month=job.month, region=county.county, region_code=county.county.code, generated_by=admin
    )
    PayrollJob.objects.filter(pk=job.pk).update(status=PayrollJob.Status.DONE, percent=100, payroll=payroll)
    page.wait_for_url(f"{base}/payments/{payroll.pk}/")
