import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from jiuzhu.cases.models import Case, Channel, Status
from jiuzhu.cases.querycode import query_code_hash
from jiuzhu.cases.selectors import todo_for
from jiuzhu.conftest import id_for
from jiuzhu.core.models import AuditEntry
from jiuzhu.portal.tests.conftest import JPEG, application, shown, upload
from jiuzhu.registry.models import Household, Person

URL = reverse("portal:apply")


def test_the_form_shows_without_login(client, standards):
    response = client.get(URL)
    assert response.status_code == 200
    assert "网上申请" in response.content.decode()


def test_an_application_registers_the_household_and_waits_for_the_township(client, standards, caseworker_a, settings):
    data = application(standards.village_a2.code, doc_id_cards=upload(), doc_income=upload(JPEG, "收入.jpg"))
    response = client.post(URL, data)
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    html = response.content.decode()
    assert case.number in html
    assert case.channel == Channel.ONLINE and case.status == Status.SUBMITTED
    assert case.submitted_by is None and case.region_code == standards.village_a2.code
    # The code is on the page once, and only its keyed hash in the database.
    code = html.split('id="query-code">')[1].split("<")[0]
    assert len(code) == 8 and code not in case.query_code_hash
    assert case.query_code_hash == query_code_hash(number=case.number, code=code)
    household = case.household
    assert household.members.count() == 2 and "网上申请" in household.notes
    assert case.snapshot["members"][0]["income_other"] == "150.00"
    # On the township's to-do list, to accept.
    assert [(i.case, i.action) for i in todo_for(user=caseworker_a, on=dt.date.today())] == [(case, "accept")]
    docs = list(case.documents.order_by("id"))
    assert [(d.kind, d.content_type) for d in docs] == [("id_cards", "image/png"), ("income", "image/jpeg")]
    stored = Path(docs[0].file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and stored.suffix == ".png"
    entry = AuditEntry.objects.filter(object_type="case").get()
    assert entry.actor_name == "网上申请" and entry.actor_id is None


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"GIF89a" + b"\x00" * 30, "photo.png"), (b"<html><script>", "x.pdf"), (b"MZ\x90\x00", "a.jpg")],
)
def test_an_upload_that_is_no_jpeg_png_or_pdf_is_refused_and_nothing_is_created(client, standards, content, name):
    response = client.post(URL, application(standards.village_a2.code, doc_other=upload(content, name)))
    assert response.status_code == 400
    assert "只能上传 PDF、JPG 或 PNG 文件" in response.content.decode()
    assert not Case.objects.exists() and not Household.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client, standards, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    response = client.post(URL, application(standards.village_a2.code, doc_other=upload(JPEG + b"\x00" * 2000)))
    assert response.status_code == 400
    assert "文件不能超过" in response.content.decode()
    assert not Case.objects.exists()


def test_a_filled_honeypot_is_refused(client, standards):
    response = client.post(URL, application(standards.village_a2.code, website="http://spam.example"))
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_form_sent_back_too_fast_is_refused(client, standards):
    response = client.post(URL, application(standards.village_a2.code, shown=shown(seconds_ago=0.5)))
    assert response.status_code == 400 and "提交过快" in response.content.decode()
    assert not Case.objects.exists()


def test_a_forged_time_is_refused(client, standards):
    response = client.post(URL, application(standards.village_a2.code, shown="1700000000"))
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_bad_id_number_is_named_and_nothing_is_created(client, standards):
    data = application(standards.village_a2.code, **{"m0-id_number": "330727197503041234"})
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "校验码错误" in response.content.decode()
    assert not Case.objects.exists()


def test_one_open_application_per_id_number_and_programme(client, standards):
    applicant = id_for(dt.date(1975, 3, 4), male=False)
    assert client.post(URL, application(standards.village_a2.code, applicant_id=applicant)).status_code == 200
    again = client.post(URL, application(standards.village_a2.code, applicant_id=applicant))
    assert again.status_code == 400
    assert "已有同一项目的申请正在办理" in again.content.decode()
    assert Case.objects.count() == 1 and Household.objects.count() == 1
    other = client.post(URL, application(standards.village_a2.code, applicant_id=applicant, program="linshi",
                                         linshi_kind="emergency"))  # fmt: skip
    assert other.status_code == 200 and Case.objects.count() == 2


def test_an_applicant_already_registered_applies_for_their_household(client, standards, make_household):
    hh = make_household(standards.village_a2)
    person = hh.members.get()
    from jiuzhu.core import pii

    number = pii.decrypt(person.id_number_enc)
    response = client.post(URL, application(standards.village_a2.code, applicant_id=number))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.household == hh and case.applicant == person
    assert Household.objects.count() == 1
    # The son declared with the application is left for the township to register.
    assert Person.objects.count() == 1
    assert "已在家庭信息库登记" in case.reason
