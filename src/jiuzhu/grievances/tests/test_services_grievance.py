"""The desk's steps: who may take each, in which state, and what each leaves behind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiuzhu.core import pii
from jiuzhu.core.models import AuditEntry
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Channel, Grievance, Kind, Satisfaction, State, Topic
from jiuzhu.grievances.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_portal_complaint_is_received_with_a_number_a_code_and_a_deadline(submit):
    sub = submit()
    g = sub.grievance
    assert sub.number == g.number == "TS2025060001"
    assert len(sub.query_code) == 8
    assert sub.query_code not in g.query_hash
    assert g.state == State.RECEIVED and g.received_on == TODAY
    assert g.due_date == dt.date(2025, 7, 1)  # 15 working days: three weeks of five, no holiday
    assert list(g.events.values_list("action", flat=True)) == ["receive"]
    assert AuditEntry.objects.filter(object_type="grievance", object_id=str(g.pk)).count() == 1


def test_numbers_follow_each_other_within_a_month_and_restart_the_next(submit):
    assert submit().number == "TS2025060001"
    assert submit().number == "TS2025060002"
    assert submit(on=dt.date(2025, 7, 1)).number == "TS2025070001"


def test_an_anonymous_grievance_keeps_no_contact_whatever_was_typed(submit):
    g = submit(anonymous=True, contact_name="张三", contact_phone="13812345678").grievance
    assert (g.contact_name, g.contact_phone_enc, g.contact_phone_masked) == ("", "", "")


def test_a_named_grievance_keeps_the_phone_encrypted_and_masked(submit):
    g = submit(anonymous=False, contact_name="张三", contact_phone="138 1234 5678").grievance
    assert g.contact_phone_masked == "138****5678"
    assert "13812345678" not in g.contact_phone_enc
    assert pii.decrypt(g.contact_phone_enc) == "13812345678"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"content": "短"}, "content"),
        ({"content": "很长" * 1501}, "content"),
        ({"content": "有人冒领低保\x1b[2J请核查"}, "content"),
        ({"content": "有人冒领低保\u202e请核查"}, "content"),
        ({"anonymous": False, "contact_name": "张三", "contact_phone": "12345"}, "contact_phone"),
        ({"anonymous": False, "contact_name": ""}, "contact_name"),
        ({"kind": "rumour"}, "kind"),
        ({"channel": Channel.WINDOW}, "channel"),  # the public writes only through the portal
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(submit, kw, field):
    with pytest.raises(ValidationError) as err:
        submit(**kw)
    assert field in err.value.message_dict
    assert err.value.message_dict[field][0]
    assert not Grievance.objects.exists()


def test_a_landline_with_its_area_code_is_a_phone(submit):
    g = submit(anonymous=False, contact_name="张三", contact_phone="0579-84661234").grievance
    assert pii.decrypt(g.contact_phone_enc) == "0579-84661234"


def test_the_region_must_be_a_township_or_village(submit, county):
    with pytest.raises(ValidationError):
        submit(region=county.county)


def test_a_desk_records_within_its_scope_only(county, caseworker_a, clerk_a):
    ok = services.grievance_submit(
        actor=caseworker_a, channel=Channel.PHONE, kind=Kind.INQUIRY, content="低保标准是多少？怎么申请？",
        region=county.village_a2, anonymous=False, contact_name="李四", on=TODAY,
    )  # fmt: skip
    assert ok.grievance.created_by == caseworker_a
    with pytest.raises(ValidationError):
        services.grievance_submit(
            actor=caseworker_a, channel=Channel.WINDOW, kind=Kind.COMPLAINT, content="尖山镇的问题反映一下",
            region=county.township_b, anonymous=True, on=TODAY,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.grievance_submit(
            actor=clerk_a, channel=Channel.PORTAL, kind=Kind.COMPLAINT, content="窗口不能选网上渠道",
            region=county.village_a1, anonymous=True, on=TODAY,
        )  # fmt: skip


def test_a_role_without_the_capability_cannot_record(county, auditor):
    with pytest.raises(PermissionDenied):
        services.grievance_submit(
            actor=auditor, channel=Channel.WINDOW, kind=Kind.COMPLAINT, content="审计员不登记投诉",
            region=county.township_a, anonymous=True, on=TODAY,
        )  # fmt: skip


def test_the_whole_way_from_receipt_to_closing(submit, approver, caseworker_a, county):
    g = submit().grievance
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    assert (g.state, g.assigned_code) == (State.ASSIGNED, county.township_a.code)
    g = services.grievance_investigate(actor=caseworker_a, grievance=g, on=TODAY + dt.timedelta(days=1))
    g = services.grievance_note_add(actor=caseworker_a, grievance=g, note="入户核实：车辆登记在女婿名下。", on=TODAY)
    g = services.grievance_answer(
        actor=caseworker_a, grievance=g, answer="经核实，车辆属于其女婿，不影响低保资格。", topic=Topic.ELIGIBILITY,
        on=TODAY + dt.timedelta(days=3),
    )  # fmt: skip
    assert (g.state, g.topic, g.answered_on) == (State.ANSWERED, Topic.ELIGIBILITY, TODAY + dt.timedelta(days=3))
    g = services.grievance_close(
        actor=approver, grievance=g, satisfaction=Satisfaction.SATISFIED, on=TODAY + dt.timedelta(days=4)
    )
    assert g.state == State.CLOSED
    assert list(g.events.values_list("action", "actor__username")) == [
        ("receive", None),
        ("assign", "approver"),
        ("investigate", "caseworker_a"),
        ("note", "caseworker_a"),
        ("answer", "caseworker_a"),
        ("close", "approver"),
    ]
    assert AuditEntry.objects.filter(object_type="grievance", object_id=str(g.pk)).count() == 6


def test_a_township_cannot_assign_and_another_township_cannot_handle(
    submit, caseworker_a, caseworker_b, approver, county
):
    g = submit().grievance
    with pytest.raises(PermissionDenied):
        services.grievance_assign(actor=caseworker_a, grievance=g, region=county.township_a)
    with pytest.raises(Http404):  # township B does not even see it
        services.grievance_investigate(actor=caseworker_b, grievance=g)
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    with pytest.raises(Http404):
        services.grievance_investigate(actor=caseworker_b, grievance=g)
    assert Grievance.objects.get(pk=g.pk).state == State.ASSIGNED


def test_assigning_to_another_township_hands_it_over(submit, caseworker_a, caseworker_b, approver, county):
    g = submit().grievance  # about township A
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_b, on=TODAY)
    with pytest.raises(PermissionDenied):  # A sees it (it concerns A) but does not handle it
        services.grievance_investigate(actor=caseworker_a, grievance=g)
    g = services.grievance_investigate(actor=caseworker_b, grievance=g)
    assert g.state == State.INVESTIGATING


def test_assigning_to_a_staff_member_makes_their_township_the_office(submit, approver, caseworker_b, head_a):
    g = services.grievance_assign(actor=approver, grievance=submit().grievance, staff=caseworker_b, on=TODAY)
    assert (g.assigned_to, g.assigned_code) == (caseworker_b, caseworker_b.region.code)
    with pytest.raises(ValidationError):  # a township head holds no HANDLE_GRIEVANCE
        services.grievance_assign(actor=approver, grievance=g, staff=head_a, on=TODAY)


def test_steps_out_of_order_are_refused_and_change_nothing(submit, approver, caseworker_a, county):
    g = submit().grievance
    with pytest.raises(services.IllegalStep):
        services.grievance_close(actor=approver, grievance=g)
    with pytest.raises(services.IllegalStep):  # a complaint is investigated before it is answered
        services.grievance_answer(actor=approver, grievance=g, answer="直接答复可以吗？不行。")
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    with pytest.raises(PermissionDenied):  # closing is the county's
        services.grievance_close(actor=caseworker_a, grievance=g)
    assert Grievance.objects.get(pk=g.pk).state == State.ASSIGNED


def test_a_question_may_be_answered_at_once(submit, caseworker_a):
    g = submit(kind=Kind.INQUIRY, content="请问临时救助怎么申请？").grievance
    g = services.grievance_answer(actor=caseworker_a, grievance=g, answer="请携带身份证到乡镇社会救助窗口申请。")
    assert g.state == State.ANSWERED


def test_an_answer_must_be_written(submit, approver, county):
    g = services.grievance_assign(actor=approver, grievance=submit().grievance, region=county.township_a, on=TODAY)
    with pytest.raises(ValidationError) as err:
        services.grievance_answer(actor=approver, grievance=g, answer="  ")
    assert "answer" in err.value.message_dict


def test_a_dissatisfied_complainant_gets_a_reexamination_with_a_new_deadline(submit, approver, caseworker_a, county):
    g = services.grievance_assign(actor=approver, grievance=submit().grievance, region=county.township_a, on=TODAY)
    g = services.grievance_answer(actor=caseworker_a, grievance=g, answer="经核实情况不属实。", on=TODAY)
    later = dt.date(2025, 7, 15)
    with pytest.raises(ValidationError):
        services.grievance_reopen(actor=approver, grievance=g, reason="", on=later)
    g = services.grievance_reopen(actor=approver, grievance=g, reason="投诉人来电表示不满意，要求复查。", on=later)
    assert (g.state, g.answer, g.reopened, g.assigned_code) == (State.ASSIGNED, "", 1, county.township_a.code)
    assert g.due_date == dt.date(2025, 8, 5)
    assert "经核实情况不属实。" in g.events.last().note  # the old answer stays in the timeline
