"""The grievance desk over HTTP: list, read, record, and each step. Same scope as the pages; the phone only
masked; a step the state does not allow answers 409 {"code": "illegal_step"} and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jiuzhu.accounts.models import Capability, User
from jiuzhu.grievances import selectors, services
from jiuzhu.grievances.models import Grievance
from jiuzhu.grievances.workflow import steps_for
from jiuzhu.regions.models import Region

router = Router(tags=["grievances"])


def install_error_handler(api: Any) -> None:
    """Registered on the project's NinjaAPI when this router is added (see jiuzhu/api.py)."""

    @api.exception_handler(services.IllegalStep)
    def _illegal(request: HttpRequest, exc: services.IllegalStep) -> HttpResponse:
        return api.create_response(request, {"code": "illegal_step", "message": "；".join(exc.messages)}, status=409)


class GrievanceOut(Schema):
    id: int
    number: str
    kind: str
    channel: str
    topic: str
    region_code: str
    state: str
    state_label: str
    received_on: dt.date
    due_date: dt.date
    overdue: bool
    escalated_on: dt.date | None
    assigned_code: str
    anonymous: bool
    contact_phone_masked: str
    content: str
    answer: str
    answered_on: dt.date | None
    subject_case_id: int | None
    subject_household_id: int | None
    next_steps: list[str]


class GrievancePage(Schema):
    count: int
    page: int
    pages: int
    results: list[GrievanceOut]


class RecordIn(Schema):
    channel: str
    kind: str
    content: str
    region_code: str = ""
    topic: str = "other"
    anonymous: bool = False
    contact_name: str = ""
    contact_phone: str = ""


class RecordOut(Schema):
    grievance: GrievanceOut
    query_code: str  # returned this once, never again


class StepIn(Schema):
    note: str = ""
    region_code: str = ""
    staff_username: str = ""
    answer: str = ""
    topic: str = ""
    satisfaction: str = ""


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _out(request: HttpRequest, g: Grievance) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": g.pk,
        "number": g.number,
        "kind": g.kind,
        "channel": g.channel,
        "topic": g.topic,
        "region_code": g.region_code,
        "state": g.state,
        "state_label": g.get_state_display(),
        "received_on": g.received_on,
        "due_date": g.due_date,
        "overdue": g.is_open and g.due_date < today,
        "escalated_on": g.escalated_on,
        "assigned_code": g.assigned_code,
        "anonymous": g.anonymous,
        "contact_phone_masked": g.contact_phone_masked,
        "content": g.content,
        "answer": g.answer,
        "answered_on": g.answered_on,
        "subject_case_id": g.subject_case_id,
        "subject_household_id": g.subject_household_id,
        "next_steps": steps_for(_user(request), g),
    }


@router.get("/", response=GrievancePage, summary="Grievances that concern or are assigned to the caller's region")
def grievance_list(
    request: HttpRequest, state: str = "", kind: str = "", overdue: bool = False, page: int = 1
) -> dict[str, Any]:
    user = _user(request)
    if not user.has_capability(Capability.VIEW_GRIEVANCES):
        raise PermissionDenied
    filters = selectors.GrievanceFilters(state=state, kind=kind, overdue=overdue)
    p = Paginator(selectors.grievances_filtered(user=user, filters=filters).order_by("-id"), 50).get_page(page)
    return {"count": p.paginator.count, "page": p.number, "pages": p.paginator.num_pages,
            "results": [_out(request, g) for g in p]}  # fmt: skip


@router.get("/{grievance_id}", response=GrievanceOut, summary="One grievance")
def grievance_detail(request: HttpRequest, grievance_id: int) -> dict[str, Any]:
    return _out(request, selectors.grievance_get(user=_user(request), pk=grievance_id))


def _region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


@router.post("/", response={201: RecordOut}, summary="Record a grievance received at the window, by phone or letter")
def grievance_record(request: HttpRequest, payload: RecordIn) -> Status[dict[str, Any]]:
    sub = services.grievance_submit(
        actor=_user(request),
        channel=payload.channel,
        kind=payload.kind,
        topic=payload.topic,
        content=payload.content,
        region=_region(payload.region_code),
        anonymous=payload.anonymous,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return Status(201, {"grievance": _out(request, sub.grievance), "query_code": sub.query_code})


@router.post("/{grievance_id}/{action}", response=GrievanceOut, summary="Take one step of the desk's procedure")
def grievance_step(request: HttpRequest, grievance_id: int, action: str, payload: StepIn) -> dict[str, Any]:
    user = _user(request)
    g = selectors.grievance_get(user=user, pk=grievance_id)
    if action == "assign":
        staff = User.objects.filter(username=payload.staff_username).first() if payload.staff_username else None
        g = services.grievance_assign(
            actor=user, grievance=g, region=_region(payload.region_code), staff=staff, note=payload.note
        )
    elif action == "investigate":
        g = services.grievance_investigate(actor=user, grievance=g, note=payload.note)
    elif action == "note":
        g = services.grievance_note_add(actor=user, grievance=g, note=payload.note)
    elif action == "request_review":
        g = services.grievance_request_review(actor=user, grievance=g)
    elif action == "answer":
        g = services.grievance_answer(actor=user, grievance=g, answer=payload.answer, topic=payload.topic)
    elif action == "close":
        g = services.grievance_close(actor=user, grievance=g, satisfaction=payload.satisfaction, note=payload.note)
    elif action == "reopen":
        g = services.grievance_reopen(actor=user, grievance=g, reason=payload.note)
    else:
        raise services.IllegalStep(_("没有这个办理环节：%(a)s") % {"a": action})
    return _out(request, g)
