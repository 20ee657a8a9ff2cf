import pytest
from django.urls import reverse

from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import AccountFlag, BankFile, PayrollStatus
from jiuzhu.payments.tests.bank_support import build_payroll


@pytest.fixture
def built(county, make_household):
    return build_payroll(county, make_household)


def test_export_download_and_return_on_the_web(client, built, approver):
    client.force_login(approver)
    page = client.get(reverse("payments:bank_files", args=[built.payroll.pk]))
    assert page.status_code == 200 and "导出并下载" in page.content.decode()
    response = client.post(reverse("payments:bank_export", args=[built.payroll.pk]), {"layout": "nongshang_txt"})
    assert response.status_code == 200 and response["Content-Type"] == "text/plain"
    assert "attachment" in response["Content-Disposition"]
    bank_file = BankFile.objects.get()
    again = client.get(reverse("payments:bank_file_download", args=[bank_file.pk]))
    assert again.content == response.content
    built.payroll.refresh_from_db()
    data = bank_return_simulate(payroll=built.payroll, layout="nongshang_txt", failures={built.other.pk: "账户冻结"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ret.txt", data)
    response = client.post(reverse("payments:bank_return", args=[built.payroll.pk]), {"file": upload, "layout": ""})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "成功2笔，失败1笔" in page.content.decode()
    built.payroll.refresh_from_db()
    assert built.payroll.status == PayrollStatus.RECONCILED
    assert AccountFlag.objects.get().household == built.other


def test_a_refused_return_shows_why(client, built, approver):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(approver)
    client.post(reverse("payments:bank_export", args=[built.payroll.pk]), {"layout": "csv"})
    upload = SimpleUploadedFile("ret.csv", "业务编号,金额\r\n".encode())
    response = client.post(reverse("payments:bank_return", args=[built.payroll.pk]), {"file": upload, "layout": "csv"})
    assert response.status_code == 422 and "回盘文件缺少列" in response.content.decode()


def test_a_refused_export_shows_why(client, county, make_household, approver):
    built = build_payroll(county, make_household, status=PayrollStatus.CHECKED)
    client.force_login(approver)
    page = client.get(reverse("payments:bank_files", args=[built.payroll.pk]))
    assert "导出并下载" not in page.content.decode()
    response = client.post(reverse("payments:bank_export", args=[built.payroll.pk]), {"layout": "csv"})
    assert response.status_code == 422 and "只有已审批" in response.content.decode()


def test_out_of_scope_and_unauthorised_users_see_nothing(client, built, caseworker_a, caseworker_b, approver):
    client.force_login(approver)
    client.post(reverse("payments:bank_export", args=[built.payroll.pk]), {"layout": "csv"})
    bank_file = BankFile.objects.get()
    for user in (caseworker_a, caseworker_b):
        client.force_login(user)
        assert client.get(reverse("payments:bank_files", args=[built.payroll.pk])).status_code == 404
        assert client.get(reverse("payments:bank_file_download", args=[bank_file.pk])).status_code == 404
        assert (
            client.post(reverse("payments:bank_export", args=[built.payroll.pk]), {"layout": "csv"}).status_code == 404
        )
