"""The desk's procedure as data: which step runs from which state to which, with which capability, and over
which region the actor's scope must reach. Services refuse with `step_refusal`; the detail page offers only the
forms it allows; the tests walk this table.

received 已受理 → assigned 已分派 → investigating 调查中 → answered 已答复 → closed 已办结. A question (咨询) may be
answered straight from `received` by whoever holds HANDLE in its region. A complainant not satisfied with the
answer asks for a re-examination (复查): the county reopens it, back to the office it was assigned to, with a new
deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext
from django_stubs_ext import StrOrPromise

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.scope import in_scope
from jiuzhu.core.workdays import add_workdays
from jiuzhu.grievances.models import EVENT_LABELS, OPEN_STATES, Grievance, Kind, State


class Over(StrEnum):
    """Whose region the actor's scope must cover: the grievance's own, or the office it is assigned to."""

    REGION = "region"
    ASSIGNED = "assigned"


@dataclass(frozen=True)
class Step:
    action: str
    label: StrOrPromise
    sources: frozenset[State]
    target: State | None  # None: the state does not change (a note, a review request)
    capability: Capability
    over: Over = Over.REGION


_L = EVENT_LABELS
STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("assign", _L["assign"], OPEN_STATES, State.ASSIGNED,
             Capability.ASSIGN_GRIEVANCE),
        Step("investigate", _L["investigate"], frozenset({State.ASSIGNED}), State.INVESTIGATING,
             Capability.HANDLE_GRIEVANCE, Over.ASSIGNED),
        Step("note", _L["note"], frozenset({State.ASSIGNED, State.INVESTIGATING}), None,
             Capability.HANDLE_GRIEVANCE, Over.ASSIGNED),
        Step("request_review", _L["request_review"], frozenset({State.ASSIGNED, State.INVESTIGATING}), None,
             Capability.HANDLE_GRIEVANCE, Over.ASSIGNED),
        Step("answer", _L["answer"], OPEN_STATES, State.ANSWERED,
             Capability.HANDLE_GRIEVANCE, Over.ASSIGNED),
        Step("close", _L["close"], frozenset({State.ANSWERED}), State.CLOSED, Capability.ASSIGN_GRIEVANCE),
        Step("reopen", _L["reopen"], frozenset({State.ANSWERED, State.CLOSED}), State.ASSIGNED,
             Capability.ASSIGN_GRIEVANCE),
    )
}  # fmt: skip

# What the desk does next in each open state: the to-do's wording.
NEXT_STEP: dict[State, str] = {State.RECEIVED: "assign", State.ASSIGNED: "investigate", State.INVESTIGATING: "answer"}


@dataclass(frozen=True)
class Refusal:
    """`forbidden`: never for this user (role or scope) — PermissionDenied; else not in this state — a
    ValidationError the form shows."""

    message: StrOrPromise
    forbidden: bool


def _scope_code(grievance: Grievance, over: Over) -> str:
    if over is Over.ASSIGNED and grievance.assigned_code:
        return grievance.assigned_code
    return grievance.region_code


def step_refusal(user: User, grievance: Grievance, action: str) -> Refusal | None:
    """None when `user` may take `action` on `grievance` now; else why not."""
    step = STEPS[action]
    if not user.has_capability(step.capability):
        return Refusal(gettext("您的角色无权执行此操作"), forbidden=True)
    if not in_scope(user, _scope_code(grievance, step.over)):
        return Refusal(gettext("该投诉举报不在您的办理范围内"), forbidden=True)
    if grievance.state not in step.sources:
        return Refusal(
            gettext("%(n)s 当前状态为“%(s)s”，不能执行“%(a)s”")
            % {"n": grievance.number, "s": grievance.get_state_display(), "a": step.label},
            forbidden=False,
        )
    if action == "answer" and grievance.state == State.RECEIVED and grievance.kind != Kind.INQUIRY:
        return Refusal(gettext("投诉、举报和意见须先分派承办单位调查后答复"), forbidden=False)
    if action == "request_review" and grievance.subject_case_id is None:
        return Refusal(gettext("该投诉举报未关联救助申请"), forbidden=False)
    return None


def step_allowed(user: User, grievance: Grievance, action: str) -> bool:
    return step_refusal(user, grievance, action) is None


def steps_for(user: User, grievance: Grievance) -> list[str]:
    return [action for action in STEPS if step_allowed(user, grievance, action)]


def days_key(kind: str) -> str:
    return f"grievance.days.{kind}"


def due_from(start: dt.date, days: int) -> dt.date:
    return add_workdays(start, days)


def is_overdue(grievance: Grievance, on: dt.date) -> bool:
    return grievance.state in OPEN_STATES and grievance.due_date < on
