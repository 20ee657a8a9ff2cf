"""Every step from every state by every persona: allowed exactly where workflow.STEPS says, refused
otherwise with nothing changed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jiuzhu.accounts.models import ROLE_CAPABILITIES
from jiuzhu.cases import services
from jiuzhu.cases.models import Case, CaseEvent, Status
from jiuzhu.cases.steps import STEP_CALLS, step_run
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.cases.workflow import STEPS, step_allowed
from jiuzhu.payments.models import Entitlement

PERSONAS = ["clerk_a", "caseworker_a", "head_a", "caseworker_b", "approver", "admin", "auditor"]

# What each step is given: the arguments its service needs, by their names in the step table.
DATA = {
    "accept": {},
    "request_supplement": {"items": ["id_cards"]},
    "supply": {"received": ["id_cards"]},
    "not_accept": {"reason": "duplicate", "text": "同一事项已在办理"},
    "investigate": {"visit_date": TODAY, "investigators": ["甲", "乙"], "findings": "属实", "family_confirmed": True},
    "request_check": {},
    "record_check": {"result": "无异常", "passed": True},
    "township_opinion": {"recommend": True, "text": "符合条件", "amount": Decimal("800")},
    "publish_notice": {"start_date": TODAY},
    "record_objection": {"content": "有车"},
    "resolve_objection": {"resolution": "democratic_review", "text": "评议通过"},
    "confirm": {},
    "refuse": {"reasons": "人均收入高于标准"},
    "withdraw": {"reason": "家庭情况好转"},
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
@pytest.mark.parametrize("action", list(STEPS))
def test_each_step_from_each_state_for_each_persona(request, action, status, new_case):
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    # The opinion's author is someone not in the table, so maker-checker does not interfere here.
    from jiuzhu.accounts.models import Role
    from jiuzhu.conftest import _user

    other_head = _user("head_other", Role.TOWNSHIP_HEAD, users["head_a"].region)
    for name, user in users.items():
        case = at_state(new_case(), status, opinion_by=other_head)
        events = CaseEvent.objects.filter(case=case).count()
        want = expected(action, status, user)
        assert step_allowed(user, case, action, on=TODAY) == (want == "ok"), (action, status, name)
        try:
            step_run(action, actor=user, case=case, data=DATA[action], on=TODAY)
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


def test_every_step_has_its_service_and_test_data():
    assert set(STEP_CALLS) == set(STEPS) == set(DATA)
