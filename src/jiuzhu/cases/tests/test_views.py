import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.cases import services
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import at_state


def test_the_clerk_applies_from_the_household_page(client, clerk_a, dibao_household):
    client.force_login(clerk_a)
    page = client.get(f"/registry/households/{dibao_household.pk}/").content.decode()
    assert "提交救助申请" in page
    applicant = dibao_household.members.get(name="王建国")
    response = client.post(
        f"/cases/apply/{dibao_household.pk}/",
        {"program": "dibao_urban", "applicant": applicant.pk, "channel": "entrusted", "reason": "无收入"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert case.snapshot["members"][0]["name"] == "王建国"


def test_the_todo_list_orders_by_due_date_and_marks_overdue(client, new_case, caseworker_a):
    old = new_case()  # submitted 22 days before TODAY: its acceptance is long overdue
    Case.objects.filter(pk=old.pk).update(due_date=dt.date(2020, 1, 1))
    client.force_login(caseworker_a)
    html = client.get("/cases/").content.decode()
    assert old.number in html and "已逾期" in html and "受理" in html


def test_an_illegal_step_in_the_page_shows_the_message_and_changes_nothing(client, new_case, caseworker_a):
    case = new_case()
    client.force_login(caseworker_a)
    response = client.post(f"/cases/{case.pk}/step/request_check/", {})
    assert response.status_code == 422
    assert "不能执行" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_the_decision_screen_shows_the_engine_for_snapshot_and_now(client, new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    client.force_login(approver)
    html = client.get(f"/cases/{case.pk}/decide/").content.decode()
    assert "按申请时家庭情况测算" in html and "按家庭当前情况测算" in html and "低保标准" in html


def test_the_head_who_wrote_the_opinion_sees_no_confirm_button(client, new_case, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=approver)
    client.force_login(approver)
    html = client.get(f"/cases/{case.pk}/decide/").content.decode()
    assert 'id="confirm-form"' not in html and "不能同时" in html


def test_documents_are_served_only_in_scope(client, new_case, clerk_a, caseworker_b):
    case = new_case()
    doc = services.case_document_add(
        actor=clerk_a, case=case, kind="application", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    )
    client.force_login(clerk_a)
    assert client.get(f"/cases/{case.pk}/documents/{doc.pk}/").status_code == 200
    client.force_login(caseworker_b)
    assert client.get(f"/cases/{case.pk}/documents/{doc.pk}/").status_code == 404


def test_the_public_notice_needs_no_login_and_shows_only_masked_names(client, new_case, head_a):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    notice = case.notice_entries.get().notice
    html = client.get(f"/cases/public/notices/{notice.public_id}/").content.decode()
    assert "王*国" in html and "王建国" not in html and case.applicant.id_masked not in html
    pdf = client.get(f"/cases/public/notices/{notice.public_id}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_timeliness_and_holidays_pages(client, new_case, approver, admin, caseworker_a):
    new_case()
    client.force_login(approver)
    assert "安文街道" in client.get("/cases/timeliness/").content.decode()
    assert client.get("/cases/holidays/").status_code == 403
    client.force_login(admin)
    response = client.post("/cases/holidays/", {"date": "2026-12-31", "is_workday": "0", "note": "本县"})
    assert response.status_code == 302
    assert "2026-12-31" in client.get("/cases/holidays/").content.decode()


def test_the_case_page_shows_labour_capacity_and_disability_in_words(client, new_case, caseworker_a):
    case = new_case()
    client.force_login(caseworker_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "肢体残疾2级" in html and "无劳动能力" in html
    assert ">physical" not in html and "<td>none</td>" not in html


def test_a_malformed_holiday_date_is_a_form_error_not_a_500(client, admin):
    client.force_login(admin)
    response = client.post("/cases/holidays/", {"delete": "2025-13-45"})
    assert response.status_code == 422
    assert "日期格式应为" in response.content.decode()
