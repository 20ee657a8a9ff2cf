"""Deadlines run in working days by kind; escalation flags what passed its deadline unanswered, once."""

import datetime as dt

import pytest
from django.core.management import call_command

from jiuzhu.core.models import HolidayOverride
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Grievance, GrievanceEvent, Kind
from jiuzhu.policy.models import Parameter

pytestmark = pytest.mark.django_db

BEFORE_NATIONAL_DAY = dt.date(2025, 9, 26)  # Friday; Sunday 9-28 is worked, 10-1 … 10-8 are holidays


def test_a_question_before_national_day_is_due_after_the_holiday(submit):
    g = submit(kind=Kind.INQUIRY, content="请问高龄津贴怎么领？", on=BEFORE_NATIONAL_DAY).grievance
    # 9-28 (调休 Sunday), 9-29, 9-30, then 10-9, 10-10: five working days.
    assert g.due_date == dt.date(2025, 10, 10)


def test_a_county_holiday_moves_the_deadline(submit):
    HolidayOverride.objects.create(date=dt.date(2025, 10, 10), is_workday=False, note="县里调整")
    g = submit(kind=Kind.INQUIRY, content="请问高龄津贴怎么领？", on=BEFORE_NATIONAL_DAY).grievance
    assert g.due_date == dt.date(2025, 10, 11)  # Saturday 10-11 is a 调休 working day


def test_each_kind_has_its_own_dated_limit(submit, county):
    Parameter.objects.create(
        region=county.township_a, key="grievance.days.report", value="20", effective_from=dt.date(2025, 1, 1),
        source="乡镇从宽（测试）",
    )  # fmt: skip
    inquiry = submit(kind=Kind.INQUIRY, content="请问低保怎么申请？").grievance
    report = submit(kind=Kind.REPORT).grievance
    assert (inquiry.due_date, report.due_date) == (dt.date(2025, 6, 17), dt.date(2025, 7, 8))


def test_escalation_flags_the_overdue_once_and_leaves_the_answered(submit, approver, caseworker_a, county):
    late = submit().grievance
    answered = submit().grievance
    services.grievance_assign(actor=approver, grievance=answered, region=county.township_a)
    answered.refresh_from_db()
    services.grievance_answer(actor=caseworker_a, grievance=answered, answer="已核实并答复投诉人。")
    on_time = submit(on=dt.date(2025, 7, 1)).grievance
    day = dt.date(2025, 7, 2)  # the day after the June ones' deadline
    flagged = services.grievances_escalate(on=day)
    assert [g.pk for g in flagged] == [late.pk]
    assert Grievance.objects.get(pk=late.pk).escalated_on == day
    assert Grievance.objects.get(pk=on_time.pk).escalated_on is None
    assert services.grievances_escalate(on=day + dt.timedelta(days=1)) == []
    assert GrievanceEvent.objects.filter(grievance=late, action="escalate").count() == 1


def test_the_escalate_command_reports_what_it_flagged(submit, capsys):
    submit()
    call_command("grievances", "escalate", "--date", "2025-07-02")
    assert "1" in capsys.readouterr().out
    assert Grievance.objects.filter(escalated_on=dt.date(2025, 7, 2)).count() == 1
