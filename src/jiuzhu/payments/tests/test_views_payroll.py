import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.conftest import PASSWORD
from jiuzhu.payments import services
from jiuzhu.payments.models import Payroll, PayrollStatus

D = dt.date.fromisoformat


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_generate_check_approve_through_the_pages(client, county, paying, approver, admin, approver2):
    login(client, admin)
    assert "资金发放" in client.get("/").content.decode()
    resp = client.post(
        reverse("payments:generate"), {"month": "2026-12", "region": county.county.pk, "program": ""}, follow=True
    )
    payroll = Payroll.objects.get()
    assert resp.redirect_chain[-1][0] == reverse("payments:detail", args=[payroll.pk])
    page = resp.content.decode()
    assert "2,220.50" in page and 'id="payroll-check"' not in page  # the generator does not check
    client.logout()
    login(client, approver2)
    page = client.get(reverse("payments:detail", args=[payroll.pk])).content.decode()
    assert 'id="payroll-check"' in page and "安文街道" in page and "尖山镇" in page
    client.post(reverse("payments:step", args=[payroll.pk, "check"]))
    page = client.get(reverse("payments:detail", args=[payroll.pk])).content.decode()
    assert 'id="payroll-approve"' in page
    client.post(reverse("payments:step", args=[payroll.pk, "approve"]))
    assert Payroll.objects.get().status == PayrollStatus.APPROVED
    lines = client.get(reverse("payments:lines", args=[payroll.pk]), {"kind": "regular"}).content.decode()
    assert paying["b1"].household.number in lines


def test_a_township_sees_its_lines_only_and_no_buttons(client, county, paying, approver, caseworker_b):
    payroll = services.payroll_generate(actor=approver, month=D("2026-12-01"), region=county.county)
    township_a = services.payroll_generate(actor=approver, month=D("2027-01-01"), region=county.township_a)
    login(client, caseworker_b)
    listing = client.get(reverse("payments:list")).content.decode()
    assert "396.00" in listing and "2,220.50" not in listing
    page = client.get(reverse("payments:detail", args=[payroll.pk])).content.decode()
    assert "396.00" in page and "2,220.50" not in page and "payroll-check" not in page
    lines = client.get(reverse("payments:lines", args=[payroll.pk])).content.decode()
    assert paying["b1"].household.number in lines and paying["a1"].household.number not in lines
    assert client.get(reverse("payments:detail", args=[township_a.pk])).status_code == 404
    roster = reverse("payments:roster", args=[payroll.pk, county.village_a1.code])
    assert client.get(roster).status_code == 404


def test_the_village_roster_masks_names_and_adds_up(client, county, paying, approver):
    payroll = services.payroll_generate(actor=approver, month=D("2026-12-01"), region=county.county)
    login(client, approver)
    resp = client.get(reverse("payments:roster", args=[payroll.pk, county.village_a2.code]))
    rows = list(load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.iter_rows(values_only=True))
    names = {r[2] for r in rows[1:-1]}
    assert names == {"李*英", "赵*海"}
    assert rows[-1][6] == 1296.5 == sum(r[6] for r in rows[1:-1])


def test_the_household_page_shows_its_ledger(client, county, paying, approver):
    services.payroll_generate(actor=approver, month=D("2026-12-01"), region=county.county)
    login(client, approver)
    page = client.get(reverse("registry:household_detail", args=[paying["a2"].household_id])).content.decode()
    assert 'id="ledger-panel"' in page and "396.50" in page and "800.00" in page


def test_who_may_not_open_the_payroll(client, county, clerk_a):
    login(client, clerk_a)
    assert client.get(reverse("payments:list")).status_code == 403
    assert "资金发放" not in client.get("/").content.decode()


def test_a_generation_job_that_fails_says_why(client, county, paying, admin):
    from jiuzhu.payments.models import PayrollJob

    login(client, admin)
    # A village is not a payroll scope: the form offers none, so the job is made by hand here.
    job = PayrollJob.objects.create(
        user=admin, region=county.village_a1, region_code=county.village_a1.code, month=D("2026-12-01")
    )
    from jiuzhu.payments.tasks import payroll_generate_job

    payroll_generate_job.enqueue(job.pk)
    page = client.get(reverse("payments:job", args=[job.pk])).content.decode()
    assert "执行失败" in page and "县或乡镇" in page and not Payroll.objects.exists()
