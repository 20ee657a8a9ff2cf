"""Reads of grievances. Staff see those that concern their region or are assigned to their office (the county
sees all of its county); the public sees one grievance's status, and only with its number and query code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.scope import scope_q
from jiuzhu.core.workdays import add_workdays
from jiuzhu.grievances.models import OPEN_STATES, Grievance, GrievanceEvent, Kind, State
from jiuzhu.grievances.services import code_matches
from jiuzhu.grievances.workflow import NEXT_STEP, is_overdue, step_allowed, steps_for

__all__ = [
    "GrievanceFilters",
    "PublicStatus",
    "grievance_get",
    "grievance_public_status",
    "grievance_timeline",
    "grievances_filtered",
    "grievances_visible",
    "steps_for",
]


def grievances_visible(*, user: User) -> QuerySet[Grievance]:
    if not user.has_capability(Capability.VIEW_GRIEVANCES):
        return Grievance.objects.none()
    return Grievance.objects.filter(scope_q(user, "region_code") | scope_q(user, "assigned_code")).select_related(
        "region", "assigned_region", "assigned_to"
    )


def grievance_get(*, user: User, pk: int) -> Grievance:
    """The grievance, or 404 when it does not exist for this user."""
    return get_object_or_404(
        grievances_visible(user=user).select_related("subject_case", "subject_household", "subject_person"), pk=pk
    )


@dataclass(frozen=True)
class GrievanceFilters:
    state: str = ""
    kind: str = ""
    channel: str = ""
    township: str = ""  # a 12-digit township code
    overdue: bool = False
    escalated: bool = False
    q: str = ""


def grievances_filtered(*, user: User, filters: GrievanceFilters, on: dt.date | None = None) -> QuerySet[Grievance]:
    on = on or timezone.localdate()
    rows = grievances_visible(user=user)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.township:
        prefix = filters.township[:9]
        rows = rows.filter(Q(region_code__startswith=prefix) | Q(assigned_code__startswith=prefix))
    if filters.overdue:
        rows = rows.filter(state__in=OPEN_STATES, due_date__lt=on)
    if filters.escalated:
        rows = rows.filter(escalated_on__isnull=False, state__in=OPEN_STATES)
    if filters.q:
        text = filters.q.strip()[:100]
        rows = rows.filter(Q(number__icontains=text) | Q(content__icontains=text) | Q(answer__icontains=text))
    return rows


def grievance_timeline(*, grievance: Grievance) -> QuerySet[GrievanceEvent]:
    return grievance.events.select_related("actor").order_by("id")


@dataclass(frozen=True)
class DeskCounts:
    open: int
    overdue: int
    due_soon: int
    to_assign: int


def grievance_desk_counts(*, user: User, on: dt.date | None = None) -> DeskCounts:
    """What waits for this user: open grievances they may move on, those past their deadline, those due within
    two working days, and (for the county) those not yet assigned."""
    on = on or timezone.localdate()
    rows = grievances_visible(user=user).filter(state__in=OPEN_STATES)
    mine = [g for g in rows.select_related(None) if _waits_for(user, g)]
    soon = add_workdays(on, 2)
    return DeskCounts(
        open=len(mine),
        overdue=sum(1 for g in mine if is_overdue(g, on)),
        due_soon=sum(1 for g in mine if on <= g.due_date <= soon),
        to_assign=sum(1 for g in mine if g.state == State.RECEIVED),
    )


def _waits_for(user: User, grievance: Grievance) -> bool:
    """Whether moving the grievance on is this user's job: assigning is the county's; investigating and
    answering belong to the office (or the person) it was assigned to, not to everyone above it who could; a
    question not yet assigned may be answered by its own township."""
    action = NEXT_STEP.get(State(grievance.state))
    if action is None:
        return False
    own = user.region.code if user.region is not None else ""
    if action == "assign":
        if step_allowed(user, grievance, "assign"):
            return True
        return (
            grievance.kind == Kind.INQUIRY
            and grievance.township_code == own
            and step_allowed(user, grievance, "answer")
        )
    if grievance.assigned_to_id is not None:
        mine = grievance.assigned_to_id == user.pk
    else:
        mine = grievance.assigned_code == own
    return mine and step_allowed(user, grievance, action)


@dataclass(frozen=True)
class PublicStatus:
    """All the complainant sees: nothing about anyone, not even what they wrote."""

    number: str
    kind: str
    received_on: dt.date
    state: str
    due_date: dt.date
    answer: str
    answered_on: dt.date | None


def grievance_public_status(*, number: str, query_code: str) -> PublicStatus | None:
    """The status for the number and its query code; None for an unknown number or any wrong code, alike."""
    number = number.strip().upper()[:16]
    row = (
        Grievance.objects.filter(number=number)
        .only("number", "kind", "received_on", "state", "due_date", "answer", "answered_on", "query_hash")
        .first()
    )
    if not code_matches(row.query_hash if row is not None else None, query_code) or row is None:
        return None
    answered = row.state in (State.ANSWERED, State.CLOSED)
    return PublicStatus(
        number=row.number,
        kind=str(Kind(row.kind).label),
        received_on=row.received_on,
        state=str(State(row.state).label),
        due_date=row.due_date,
        answer=row.answer if answered else "",
        answered_on=row.answered_on if answered else None,
    )
