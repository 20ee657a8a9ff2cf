"""The upload page, its live progress, the error report and the template; outsiders get 404."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.conftest import PASSWORD
from jiuzhu.registry.models import Household, ImportJob, Person
from jiuzhu.registry.tasks import household_import_job
from jiuzhu.registry.tests.test_importer import csv_bytes, family


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def upload(client, data, name="花名册.csv"):
    return client.post(reverse("registry:import"), {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def broken():
    rows = family(2)
    rows[3][5] = rows[3][5][:17] + ("0" if rows[3][5][17] != "0" else "1")
    return csv_bytes(rows)


def test_the_upload_page_shows_the_form_and_the_template_link(client, caseworker_a):
    login(client, caseworker_a)
    page = client.get(reverse("registry:import")).content.decode()
    assert 'type="file"' in page and reverse("registry:import_template") in page


def test_an_upload_is_imported_in_the_background_and_the_status_page_shows_the_counts(client, caseworker_a):
    login(client, caseworker_a)
    response = upload(client, csv_bytes(family(2)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:import_status", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and (job.households, job.persons) == (2, 6)
    assert job.percent == 100 and job.user == caseworker_a and job.region_code == "330727100000"
    page = client.get(response.url).content.decode()
    assert "已导入 2 户 6 人" in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    assert Person.objects.count() == 6


def test_a_broken_upload_writes_nothing_and_lists_the_errors(client, caseworker_a, broken):
    login(client, caseworker_a)
    response = upload(client, broken)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and job.error_count == 1
    assert not Household.objects.exists()
    page = client.get(response.url).content.decode()
    assert "校验码错误，应为" in page and "未导入任何数据" in page
    report = client.get(reverse("registry:import_errors", args=[job.pk]))
    assert report.status_code == 200 and "attachment" in report["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    wrong = broken.decode().splitlines()[4].split(",")[5]
    assert rows[1][:3] == (5, "身份证号", wrong[:6] + "*" * 8 + wrong[-4:])  # masked in the report too
    job.refresh_from_db()
    assert wrong not in str(job.errors) and wrong[:6] + "*" * 8 + wrong[-4:] in str(job.errors)


def test_the_uploaded_roster_is_deleted_once_imported_or_refused(client, caseworker_a, broken, settings):
    login(client, caseworker_a)
    for data in (csv_bytes(family(1)), broken):
        upload(client, data)
    assert ImportJob.objects.count() == 2
    for job in ImportJob.objects.all():
        assert not (settings.MEDIA_ROOT / job.stored_path).exists()


def test_a_running_job_is_polled_every_second_by_htmx(client, caseworker_a):
    login(client, caseworker_a)
    job = ImportJob.objects.create(
        user=caseworker_a, region_code="330727100000", filename="a.csv", stored_path="imports/x.csv",
        status=ImportJob.Status.RUNNING, percent=42, stage="校验数据",
    )  # fmt: skip
    partial = client.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "42%" in partial and "<html" not in partial


@pytest.mark.parametrize("view", ["registry:import_status", "registry:import_errors"])
def test_the_outsider_gets_404_on_another_townships_job(client, caseworker_a, caseworker_b, broken, view):
    login(client, caseworker_a)
    upload(client, broken)
    job = ImportJob.objects.get()
    client.logout()
    login(client, caseworker_b)
    assert client.get(reverse(view, args=[job.pk])).status_code == 404
    assert job.filename not in client.get(reverse("registry:import")).content.decode()


@pytest.mark.parametrize("persona", ["admin", "clerk_a", "auditor"])
def test_who_else_may_open_a_job(client, request, caseworker_a, broken, persona):
    login(client, caseworker_a)
    upload(client, broken)
    job = ImportJob.objects.get()
    client.logout()
    user = request.getfixturevalue(persona)
    login(client, user)
    expected = 200 if persona == "admin" else 404  # the county admin imports too; the others cannot
    assert client.get(reverse("registry:import_status", args=[job.pk])).status_code == expected


@pytest.mark.parametrize("persona", ["clerk_a", "head_a", "auditor"])
def test_roles_without_import_rights_cannot_upload(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("registry:import")).status_code == 403
    assert upload(client, b"x").status_code == 403
    assert not ImportJob.objects.exists()


def test_an_old_excel_file_is_refused_at_the_form(client, caseworker_a):
    login(client, caseworker_a)
    response = upload(client, b"\xd0\xcf\x11\xe0", name="old.xls")
    assert response.status_code == 200 and "另存为 .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_running_a_finished_job_again_changes_nothing(client, caseworker_a):
    login(client, caseworker_a)
    upload(client, csv_bytes(family(1)))
    job = ImportJob.objects.get()
    assert household_import_job.call(job.pk) == "skipped"
    assert Household.objects.count() == 1


def test_a_failed_job_can_be_run_again(client, caseworker_a, settings):
    login(client, caseworker_a)
    upload(client, csv_bytes(family(1)))
    job = ImportJob.objects.get()
    Household.objects.all().delete()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    # A run that failed inside the import keeps its upload for the next attempt: put it back as such a run leaves it.
    (settings.MEDIA_ROOT / job.stored_path).write_bytes(csv_bytes(family(1)))
    assert household_import_job.call(job.pk) == ImportJob.Status.DONE
    job.refresh_from_db()
    assert job.attempts == 2 and Household.objects.count() == 1


def test_a_job_abandoned_by_its_worker_is_taken_over_only_when_stale(client, caseworker_a, settings):
    login(client, caseworker_a)
    upload(client, csv_bytes(family(1)))
    job = ImportJob.objects.get()
    Household.objects.all().delete()
    (settings.MEDIA_ROOT / job.stored_path).write_bytes(csv_bytes(family(1)))  # an abandoned run leaves its upload
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=dt.datetime.now(dt.UTC))
    assert household_import_job.call(job.pk) == "skipped"
    ImportJob.objects.filter(pk=job.pk).update(started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert household_import_job.call(job.pk) == ImportJob.Status.DONE


def test_the_template_has_the_headers_an_example_and_the_allowed_values(client, caseworker_a):
    login(client, caseworker_a)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    roster, help_sheet = wb.worksheets
    headers = [c.value for c in roster[1]]
    assert {"村（社区）区划代码", "姓名", "身份证号", "与户主关系", "工资性收入", "户编号"} <= set(headers)
    example = dict(zip(headers, [c.value for c in roster[2]], strict=False))
    assert example["与户主关系"] == "户主" and len(example["身份证号"]) == 18
    allowed = {r[0]: r[2] for r in help_sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert "户主" in allowed["与户主关系"] and "配偶" in allowed["与户主关系"]
    assert "肢体残疾" in allowed["残疾类别"]
