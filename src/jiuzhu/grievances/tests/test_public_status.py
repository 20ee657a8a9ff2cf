"""What the complainant reads with the number and query code, and that nothing else is readable."""

import pytest
from django.core.exceptions import ValidationError

from jiuzhu.grievances import services
from jiuzhu.grievances.selectors import grievance_public_status

pytestmark = pytest.mark.django_db


def test_the_right_code_shows_the_answer(submit, approver, caseworker_a, county):
    sub = submit(anonymous=False, contact_name="张三", contact_phone="13812345678")
    g = services.grievance_assign(actor=approver, grievance=sub.grievance, region=county.township_a)
    services.grievance_answer(actor=caseworker_a, grievance=g, answer="经核实，已停发其低保并追回。")
    status = grievance_public_status(number=sub.number, query_code=sub.query_code)
    assert status is not None
    assert (status.number, status.kind, status.state) == (sub.number, "投诉", "已答复")
    assert status.answer == "经核实，已停发其低保并追回。"
    assert status.due_date == sub.grievance.due_date
    shown = " ".join(str(v) for v in status.__dict__.values())
    assert "张三" not in shown and "138" not in shown and "小轿车" not in shown


def test_the_code_is_read_forgivingly(submit):
    sub = submit()
    code = sub.query_code.lower()
    assert grievance_public_status(number=sub.number.lower(), query_code=f" {code[:4]}-{code[4:]} ") is not None


def test_before_the_answer_the_status_says_so_and_shows_no_answer(submit):
    sub = submit()
    status = grievance_public_status(number=sub.number, query_code=sub.query_code)
    assert status is not None and status.state == "已受理" and status.answer == "" and status.answered_on is None


@pytest.mark.parametrize("wrong", ["", "AAAAAAAA", "x"])
def test_a_wrong_code_shows_nothing(submit, wrong):
    sub = submit()
    assert grievance_public_status(number=sub.number, query_code=wrong) is None


def test_one_grievances_code_does_not_open_another(submit):
    first, second = submit(), submit()
    assert grievance_public_status(number=second.number, query_code=first.query_code) is None


def test_an_unknown_number_shows_nothing(submit):
    sub = submit()
    assert grievance_public_status(number="TS2099010001", query_code=sub.query_code) is None


def test_the_complainant_rates_the_answer_and_the_county_sees_it(submit, approver, caseworker_a, county):
    sub = submit()
    assert not services.grievance_public_feedback(
        number=sub.number, query_code=sub.query_code, satisfaction="satisfied"
    )
    g = services.grievance_assign(actor=approver, grievance=sub.grievance, region=county.township_a)
    services.grievance_answer(actor=caseworker_a, grievance=g, answer="经核实情况不属实。")
    assert not services.grievance_public_feedback(number=sub.number, query_code="AAAAAAAA", satisfaction="dissatisfied")
    ok = services.grievance_public_feedback(
        number=sub.number, query_code=sub.query_code, satisfaction="dissatisfied", comment="没有人来找我核实。"
    )
    assert ok
    g.refresh_from_db()
    assert g.satisfaction == "dissatisfied" and g.state == "answered"  # the county decides on a re-examination
    last = g.events.last()
    assert last.action == "feedback" and "没有人来找我核实" in last.note and last.actor is None


def test_feedback_refuses_control_characters(submit, approver, caseworker_a, county):
    sub = submit()
    g = services.grievance_assign(actor=approver, grievance=sub.grievance, region=county.township_a)
    services.grievance_answer(actor=caseworker_a, grievance=g, answer="经核实情况不属实。")
    with pytest.raises(ValidationError):
        services.grievance_public_feedback(
            number=sub.number, query_code=sub.query_code, satisfaction="basic", comment="好\x00"
        )
