"""The desk's pages, each tried with someone who must not see or do it."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from jiuzhu.core.models import AuditAction, AuditEntry
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Grievance, Kind, State
from jiuzhu.grievances.selectors import grievance_public_status
from jiuzhu.grievances.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(submit, county):
    """One complaint about township A, one report about township B."""
    a = submit(content="安文街道有人优亲厚友，请核查。")
    b = submit(kind=Kind.REPORT, region=county.township_b, content="尖山镇某户隐瞒收入，请核查。")
    return a.grievance, b.grievance


def test_the_county_sees_all_and_a_township_its_own(client, two, approver, caseworker_b, head_a):
    a, b = two
    client.force_login(approver)
    html = client.get("/grievances/").content.decode()
    assert a.number in html and b.number in html
    client.force_login(caseworker_b)
    html = client.get("/grievances/").content.decode()
    assert b.number in html and a.number not in html
    assert client.get(f"/grievances/{a.pk}/").status_code == 404
    client.force_login(head_a)
    html = client.get("/grievances/").content.decode()
    assert a.number in html and b.number not in html


def test_an_assigned_township_sees_what_it_was_given(client, two, approver, caseworker_b, county):
    a, _b = two
    services.grievance_assign(actor=approver, grievance=a, region=county.township_b)
    client.force_login(caseworker_b)
    assert client.get(f"/grievances/{a.pk}/").status_code == 200


def test_the_list_is_closed_to_whoever_may_not_view(client, two, clerk_a, charity_officer):
    assert client.get("/grievances/").status_code == 302  # to the login page
    for user in (clerk_a, charity_officer):
        client.force_login(user)
        assert client.get("/grievances/").status_code == 403
        assert client.get(f"/grievances/{two[0].pk}/").status_code == 404


def test_filters_narrow_the_list(client, two, approver, county):
    a, b = two
    Grievance.objects.filter(pk=a.pk).update(due_date=dt.date(2020, 1, 1), received_on=dt.date(2020, 1, 1))
    Grievance.objects.filter(pk=b.pk).update(due_date=dt.date(2099, 1, 1))  # the pages run on the real today
    client.force_login(approver)
    assert b.number not in client.get("/grievances/?overdue=1").content.decode()
    assert a.number in client.get("/grievances/?overdue=1").content.decode()
    html = client.get("/grievances/?kind=report").content.decode()
    assert b.number in html and a.number not in html
    html = client.get(f"/grievances/?township={county.township_b.code}").content.decode()
    assert b.number in html and a.number not in html
    html = client.get("/grievances/?q=优亲厚友").content.decode()
    assert a.number in html and b.number not in html
    assert a.number not in client.get("/grievances/?state=closed&channel=phone").content.decode()


def test_a_village_clerk_records_a_window_complaint_and_reads_out_the_code(client, clerk_a, county):
    client.force_login(clerk_a)
    assert "登记投诉举报" in client.get("/").content.decode()
    response = client.post(
        "/grievances/record/",
        {"channel": "window", "kind": "complaint", "topic": "conduct", "region": county.village_a1.pk,
         "content": "村干部办事拖拉，材料交了一个月没人管。", "contact_name": "赵六", "contact_phone": "13900001111"},
    )  # fmt: skip
    assert response.status_code == 200
    g = Grievance.objects.get()
    html = response.content.decode()
    assert g.number in html
    code = response.context["sub"].query_code
    assert code in html
    assert grievance_public_status(number=g.number, query_code=code) is not None
    assert g.contact_phone_masked == "139****1111" and g.created_by == clerk_a


def test_bad_input_at_the_desk_shows_the_message_and_records_nothing(client, caseworker_a, county):
    client.force_login(caseworker_a)
    response = client.post(
        "/grievances/record/",
        {"channel": "phone", "kind": "complaint", "topic": "other", "region": county.township_a.pk,
         "content": "电话反映低保问题，需要核查。", "contact_name": "赵六", "contact_phone": "12345"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "联系电话格式不正确" in response.content.decode()
    assert not Grievance.objects.exists()


def test_a_case_number_outside_the_desks_scope_is_refused(client, caseworker_b, new_case, county):
    case = new_case()  # township A
    client.force_login(caseworker_b)
    response = client.post(
        "/grievances/record/",
        {"channel": "letter", "kind": "report", "topic": "favoritism", "region": county.township_b.pk,
         "case_number": case.number, "content": "举报信：该户不符合条件。", "anonymous": "on"},
    )  # fmt: skip
    assert "没有编号为" in response.content.decode()
    assert not Grievance.objects.exists()


def test_assign_answer_and_close_through_the_pages(client, two, approver, caseworker_a, county):
    a, _b = two
    client.force_login(approver)
    url = f"/grievances/{a.pk}/step/"
    r = client.post(url + "assign/", {"assign-region": county.township_a.pk, "assign-note": "请核查"})
    assert r.status_code == 302
    client.force_login(caseworker_a)
    html = client.get(f"/grievances/{a.pk}/").content.decode()
    assert "开始调查" in html and "办结" not in html.split("办理记录")[0].split("<h2>办理</h2>")[-1]
    assert client.post(f"/grievances/{a.pk}/step/investigate/", {"investigate-note": ""}).status_code == 302
    r = client.post(url + "answer/", {"answer-answer": "经核实不属实。", "answer-topic": "favoritism"})
    assert r.status_code == 302
    assert client.post(f"/grievances/{a.pk}/step/close/", {"close-satisfaction": ""}).status_code == 403
    client.force_login(approver)
    r = client.post(f"/grievances/{a.pk}/step/close/", {"close-satisfaction": "satisfied", "close-note": ""})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == State.CLOSED
    html = client.get(f"/grievances/{a.pk}/").content.decode()
    for label in ("受理", "分派", "开始调查", "答复", "办结"):
        assert label in html


def test_a_step_in_the_wrong_state_shows_why(client, two, approver):
    client.force_login(approver)
    r = client.post(f"/grievances/{two[0].pk}/step/close/", {"close-satisfaction": ""})
    assert r.status_code == 422 and "不能执行" in r.content.decode()


def test_revealing_the_phone_is_logged_and_refused_without_the_grant(client, submit, caseworker_a, auditor):
    g = submit(anonymous=False, contact_name="张三", contact_phone="13812345678").grievance
    client.force_login(auditor)
    assert client.post(f"/grievances/{g.pk}/reveal/").status_code == 403
    client.force_login(caseworker_a)
    r = client.post(f"/grievances/{g.pk}/reveal/")
    assert "13812345678" in r.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_type="grievance").count() == 1


def test_the_report_counts_within_scope_and_exports_xlsx(client, two, approver, caseworker_b, caseworker_a, county):
    a, _b = two
    services.grievance_assign(actor=approver, grievance=a, region=county.township_a, on=TODAY)
    a.refresh_from_db()
    services.grievance_answer(actor=caseworker_a, grievance=a, answer="已核实并答复。", on=TODAY)
    client.force_login(approver)
    r = client.get("/grievances/report/?start=2025-01-01&end=2025-12-31")
    assert r.context["r"].total.total == 2 and r.context["r"].total.on_time == 1
    assert "100.0%" in r.content.decode()
    x = client.get("/grievances/report/?start=2025-01-01&end=2025-12-31&format=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(x.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0] == "分组" and rows[-1][2] == 2
    client.force_login(caseworker_b)
    r = client.get("/grievances/report/?start=2025-01-01&end=2025-12-31")
    assert r.context["r"].total.total == 1


def test_the_home_page_shows_the_desk(client, submit, approver):
    g = submit().grievance
    Grievance.objects.filter(pk=g.pk).update(due_date=dt.date(2020, 1, 1), received_on=dt.date(2020, 1, 1))
    client.force_login(approver)
    html = client.get("/").content.decode()
    assert "待我办理的投诉举报" in html and "其中已超期" in html


def test_the_to_do_counts_what_is_each_users_job(submit, approver, caseworker_a, caseworker_b, county):
    from jiuzhu.grievances.selectors import grievance_desk_counts

    received = submit().grievance  # the county's to assign
    to_a = services.grievance_assign(actor=approver, grievance=submit().grievance, region=county.township_a)
    to_b = services.grievance_assign(actor=approver, grievance=submit().grievance, staff=caseworker_b)
    question = submit(kind=Kind.INQUIRY, content="请问低保标准是多少？").grievance  # township A may answer it
    assert grievance_desk_counts(user=approver, on=TODAY).open == 2  # the received complaint and the question
    assert grievance_desk_counts(user=approver, on=TODAY).to_assign == 2
    assert grievance_desk_counts(user=caseworker_a, on=TODAY).open == 2  # to_a and the question
    assert grievance_desk_counts(user=caseworker_b, on=TODAY).open == 1  # to_b, assigned to them by name
    assert {received.pk, to_a.pk, to_b.pk, question.pk} == set(Grievance.objects.values_list("pk", flat=True))


def test_the_desk_names_a_person_by_id_number_and_a_staff_member(client, caseworker_a, clerk_a, county, make_household):
    from jiuzhu.core import pii

    household = make_household(county.village_a1)
    person = household.members.get()
    id_number = pii.decrypt(person.id_number_enc)
    client.force_login(caseworker_a)
    form = {"channel": "window", "kind": "complaint", "topic": "conduct", "region": county.village_a1.pk,
            "content": "村经办人员收取好处费。", "anonymous": "on", "staff": clerk_a.pk}  # fmt: skip
    r = client.post("/grievances/record/", form | {"person_id_number": "330727190001010000"})
    assert "没有该身份证号的人员" in r.content.decode()
    client.post("/grievances/record/", form | {"person_id_number": id_number.lower()})
    g = Grievance.objects.get()
    assert (g.subject_person, g.subject_staff) == (person, clerk_a)
    html = client.get(f"/grievances/{g.pk}/").content.decode()
    assert person.name in html and "村经办甲" in html


def test_the_list_exports_what_the_user_sees_without_contacts(client, two, caseworker_b):
    a, b = Grievance.objects.filter(pk=two[0].pk).first(), two[1]
    Grievance.objects.filter(pk=b.pk).update(anonymous=False, contact_name="钱七")
    client.force_login(caseworker_b)
    x = client.get("/grievances/?format=xlsx&kind=report")
    rows = list(load_workbook(io.BytesIO(b"".join(x.streaming_content))).active.values)
    assert [r[0] for r in rows[1:]] == [b.number]
    assert a.number not in str(rows) and "钱七" not in str(rows)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="grievance").count() == 1
