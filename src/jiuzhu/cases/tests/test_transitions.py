"""Every step from every state by every persona: allowed exactly where workflow.STEPS says, refused
otherwise with nothing changed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jiuzhu.accounts.models import ROLE_CAPABILITIES
from jiuzhu.cases import services
from jiuzhu.cases.models import Case, CaseEvent, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.cases.workflow import STEPS
from jiuzhu.payments.models import Entitlement

PERSONAS = ["clerk_a", "caseworker_a", "head_a", "caseworker_b", "approver", "admin", "auditor"]

CALLS = {
    "accept": lambda a, c: services.case_accept(actor=a, case=c, on=TODAY),
    "investigate": lambda a, c: services.case_investigate(
        actor=a, case=c, visit_date=TODAY, investigators=["甲", "乙"], findings="属实", family_confirmed=True, on=TODAY
    ),
    "request_check": lambda a, c: services.case_request_check(actor=a, case=c, on=TODAY),
    "record_check": lambda a, c: services.case_record_check(actor=a, case=c, result="无异常", passed=True, on=TODAY),
    "township_opinion": lambda a, c: services.case_township_opinion(
        actor=a, case=c, recommend=True, text="符合条件", amount=Decimal("800"), on=TODAY
    ),
    "publish_notice": lambda a, c: services.case_publish_notice(actor=a, case=c, start_date=TODAY, on=TODAY),
    "record_objection": lambda a, c: services.case_record_objection(actor=a, case=c, content="有车", on=TODAY),
    "resolve_objection": lambda a, c: services.case_resolve_objection(
        actor=a, case=c, resolution="democratic_review", text="评议通过", on=TODAY
    ),
    "confirm": lambda a, c: services.case_confirm(actor=a, case=c, on=TODAY),
    "refuse": lambda a, c: services.case_refuse(actor=a, case=c, reasons="人均收入高于标准", on=TODAY),
    "withdraw": lambda a, c: services.case_withdraw(actor=a, case=c, reason="家庭情况好转", on=TODAY),
}


def expected(action: str, status: Status, user) -> str:
    step = STEPS[action]
    if user.username == "caseworker_b":
        return "not_found"
    if step.capability not in ROLE_CAPABILITIES[user.role]:
        return "forbidden"
    if status not in step.sources:
        return "illegal"
    return "ok"


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(CALLS))
def test_each_step_from_each_state_for_each_persona(request, action, status, new_case):
    assert set(CALLS) == set(STEPS)
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    # The opinion's author is someone not in the table, so maker-checker does not interfere here.
    from jiuzhu.accounts.models import Role
    from jiuzhu.conftest import _user

    other_head = _user("head_other", Role.TOWNSHIP_HEAD, users["head_a"].region)
    for name, user in users.items():
        case = at_state(new_case(), status, opinion_by=other_head)
        events = CaseEvent.objects.filter(case=case).count()
        want = expected(action, status, user)
        try:
            CALLS[action](user, case)
            got = "ok"
        except Http404:
            got = "not_found"
        except PermissionDenied:
            got = "forbidden"
        except services.IllegalStep:
            got = "illegal"
        assert got == want, (action, status, name)
        case_after = Case.objects.get(pk=case.pk)
        if got == "ok":
            assert case_after.status != status or STEPS[action].target is None
        else:
            assert case_after.status == status
            assert CaseEvent.objects.filter(case=case).count() == events
        Case.objects.filter(pk=case.pk).update(status=Status.WITHDRAWN)  # the next persona's case may start afresh
        Entitlement.objects.filter(source_case=case).delete()
