"""A complaint about a case links to it and can open a re-check (专项复核) of the assistance it granted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiuzhu.cases import services as cases
from jiuzhu.cases.models import ReviewKind, Status
from jiuzhu.cases.tests.conftest import at_state
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Channel, Kind, State
from jiuzhu.grievances.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_case(new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    return cases.case_confirm(actor=approver, case=case, on=dt.date(2025, 6, 9))


def _complaint(actor, case):
    return services.grievance_submit(
        actor=actor, channel=Channel.WINDOW, kind=Kind.REPORT, content="举报：该户家里开了小卖部，收入不低。",
        region=None, anonymous=True, subject_case=case, on=TODAY,
    ).grievance  # fmt: skip


def test_a_report_about_a_case_takes_its_village_and_household(caseworker_a, approved_case):
    g = _complaint(caseworker_a, approved_case)
    assert g.subject_case == approved_case
    assert g.subject_household == approved_case.household
    assert g.region_code == approved_case.region_code


def test_a_case_outside_the_recorders_scope_is_refused(caseworker_b, approved_case):
    with pytest.raises(ValidationError, match="管辖范围"):
        _complaint(caseworker_b, approved_case)


def test_the_handler_opens_one_review_of_the_running_entitlement(caseworker_a, approver, approved_case, county):
    g = _complaint(caseworker_a, approved_case)
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    g = services.grievance_request_review(actor=caseworker_a, grievance=g, on=TODAY)
    review = g.review
    assert review is not None and review.kind == ReviewKind.ON_DEMAND and review.due_date == g.due_date
    assert review.entitlement.source_case == approved_case
    assert g.state == State.ASSIGNED
    again = services.grievance_request_review(actor=caseworker_a, grievance=g, on=TODAY)
    assert again.review == review  # no second review while the first is open


def test_a_case_without_running_assistance_opens_no_review(caseworker_a, approver, new_case, county):
    g = _complaint(caseworker_a, new_case())
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    with pytest.raises(services.IllegalStep, match="没有在享"):
        services.grievance_request_review(actor=caseworker_a, grievance=g, on=TODAY)


def test_a_grievance_without_a_case_cannot_ask_for_a_review(submit, approver, county, caseworker_a):
    g = services.grievance_assign(actor=approver, grievance=submit().grievance, region=county.township_a, on=TODAY)
    with pytest.raises(services.IllegalStep):
        services.grievance_request_review(actor=caseworker_a, grievance=g)


def test_a_head_cannot_ask_for_a_review(caseworker_a, approver, head_a, approved_case, county):
    g = _complaint(caseworker_a, approved_case)
    g = services.grievance_assign(actor=approver, grievance=g, region=county.township_a, on=TODAY)
    with pytest.raises(PermissionDenied):
        services.grievance_request_review(actor=head_a, grievance=g)
