"""Cases and entitlements over HTTP: create, read, each workflow step. Same scope as the pages; an illegal
step answers 409 {"code": "illegal_step", "message": ...} and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from jiuzhu.accounts.models import User
from jiuzhu.cases import engine, selectors, services, steps
from jiuzhu.cases.models import Case
from jiuzhu.cases.models import Status as CaseStatus
from jiuzhu.core.text import LONG_TEXT, NAME_TEXT
from jiuzhu.payments.models import PERSONS_PREFETCH, Entitlement
from jiuzhu.payments.selectors import entitlement_get, entitlements_visible
from jiuzhu.registry import selectors as registry_selectors

router = Router(tags=["cases"])

# An amount of money as the database holds it: yuan, two decimals, below 10 000 000 000 (core.money); the
# programme's own cap is checked by the service.
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]


def install_error_handler(api: Any) -> None:
    """Registered on the project's NinjaAPI when this router is added (see jiuzhu/api.py)."""

    @api.exception_handler(services.IllegalStep)
    def _illegal(request: HttpRequest, exc: services.IllegalStep) -> HttpResponse:
        message = "；".join(exc.messages)
        return api.create_response(request, {"code": "illegal_step", "message": message}, status=409)


class CaseIn(Schema):
    household_id: int
    program: str = Field(max_length=30)
    applicant_id: int
    channel: str = Field("window", max_length=10)
    reason: str = Field("", max_length=LONG_TEXT)
    single_person: bool = False
    linshi_kind: str = Field("", max_length=10)
    staff_relative: bool = False
    staff_relative_note: str = Field("", max_length=200)


class SupplementOut(Schema):
    """The open 补正 request: checklist codes and labels, the free text, the day it is due."""

    items: list[str]
    labels: list[str]
    other: str
    requested_on: dt.date
    due: dt.date


class CaseOut(Schema):
    id: int
    number: str
    household_id: int
    program: str
    program_name: str
    channel: str
    applicant_id: int
    status: str
    status_label: str
    submitted_at: dt.date
    accepted_at: dt.date | None
    due_date: dt.date | None
    overall_due: dt.date | None
    staff_relative: bool
    opinion_recommend: bool | None
    opinion_amount: Decimal | None
    computed_amount: Decimal | None
    approved_amount: Decimal | None
    decision_reasons: str
    # An amount above the computed one waiting for a second county user's check (POST …/check-amount).
    amount_check_pending: bool
    supplement: SupplementOut | None
    not_accepted_reason: str
    not_accepted_text: str
    next_steps: list[str]


class CasePage(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseOut]


class EntitlementOut(Schema):
    id: int
    household_id: int
    program: str
    monthly_amount: Decimal
    start_month: dt.date
    end_month: dt.date | None
    suspended_from: dt.date | None
    status: str
    gradual_exit: bool
    source_case_id: int | None
    person_ids: list[int]


class EntitlementPage(Schema):
    count: int
    page: int
    pages: int
    results: list[EntitlementOut]


class SupplementIn(Schema):
    items: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=40)
    other: str = Field("", max_length=LONG_TEXT)


class SupplyIn(Schema):
    received: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=41)
    note: str = Field("", max_length=300)


class NotAcceptIn(Schema):
    reason: str = Field(max_length=20)
    text: str = Field(max_length=LONG_TEXT)


class InvestigateIn(Schema):
    visit_date: dt.date
    investigators: list[Annotated[str, Field(max_length=NAME_TEXT)]] = Field(max_length=10)
    findings: str = Field(max_length=LONG_TEXT)
    family_confirmed: bool
    income_irregular: bool = False


class AcceptIn(Schema):
    staff_relative: bool = False
    staff_relative_note: str = Field("", max_length=200)


class CheckIn(Schema):
    result: str = Field(max_length=LONG_TEXT)
    passed: bool


class OpinionIn(Schema):
    recommend: bool
    text: str = Field(max_length=LONG_TEXT)
    amount: Amount | None = None


class NoticeIn(Schema):
    start_date: dt.date | None = None


class ObjectionIn(Schema):
    content: str = Field(max_length=LONG_TEXT)
    received_on: dt.date | None = None


class ResolveIn(Schema):
    resolution: str = Field(max_length=20)
    text: str = Field(max_length=LONG_TEXT)


class ConfirmIn(Schema):
    amount: Amount | None = None
    override_reason: str = Field("", max_length=300)


class AmountCheckIn(Schema):
    accept: bool
    note: str = Field("", max_length=300)


class RefuseIn(Schema):
    reasons: str = Field(max_length=LONG_TEXT)


class WithdrawIn(Schema):
    reason: str = Field(max_length=300)


def _out(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        **{
            f: getattr(case, f)
            for f in (
                "id",
                "number",
                "household_id",
                "program",
                "channel",
                "applicant_id",
                "status",
                "submitted_at",
                "accepted_at",
                "due_date",
                "overall_due",
                "staff_relative",
                "opinion_recommend",
                "opinion_amount",
                "computed_amount",
                "approved_amount",
                "decision_reasons",
                "not_accepted_reason",
                "not_accepted_text",
            )
        },
        "amount_check_pending": case.amount_check_by_id is not None,
        "supplement": _supplement_out(case),
        "program_name": engine.program_name(case.program),
        "status_label": str(case.get_status_display()),
        "next_steps": selectors.steps_for(user=request.user, case=case),  # type: ignore[arg-type]
    }


def _supplement_out(case: Case) -> dict[str, Any] | None:
    request = selectors.open_supplement(case) if case.status == CaseStatus.SUPPLEMENT else None
    if request is None:
        return None
    return {
        "items": request.items,
        "labels": [label for _code, label in selectors.supplement_labels(case, request)],
        "other": request.other,
        "requested_on": request.requested_on,
        "due": request.due,
    }


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_get(user=request.user, pk=case_id)  # type: ignore[arg-type]


@router.get("/", response=CasePage, summary="Cases in the caller's region")
def case_list(request: HttpRequest, status: str = "", program: str = "", page: int = 1) -> dict[str, Any]:
    qs = selectors.cases_visible(user=request.user).order_by("-id")  # type: ignore[arg-type]
    if status:
        qs = qs.filter(status=status)
    if program:
        qs = qs.filter(program=program)
    p = Paginator(qs, 50).get_page(page)
    return {
        "count": p.paginator.count,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "results": [_out(request, c) for c in p],
    }


@router.post("/", response={201: CaseOut}, summary="Submit an application")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    household = registry_selectors.household_get(user=user, pk=payload.household_id)
    applicant = get_object_or_404(household.members, pk=payload.applicant_id)
    case = services.case_submit(
        actor=user,
        household=household,
        program=payload.program,
        applicant=applicant,
        channel=payload.channel,
        reason=payload.reason,
        single_person=payload.single_person,
        linshi_kind=payload.linshi_kind,
        staff_relative=payload.staff_relative,
        staff_relative_note=payload.staff_relative_note,
    )
    return Status(201, _out(request, case))


@router.get("/{case_id}", response=CaseOut, summary="One case")
def case_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _out(request, _case(request, case_id))


def _step(request: HttpRequest, case_id: int, action: str, payload: Schema | None = None) -> dict[str, Any]:
    """Every step endpoint: the step's service from the one step table, the payload as its arguments."""
    user: User = request.user  # type: ignore[assignment]
    steps.step_run(action, actor=user, case=_case(request, case_id), data=payload.dict() if payload else {})
    return _out(request, selectors.case_get(user=user, pk=case_id))


@router.post("/{case_id}/accept", response=CaseOut)
def accept(request: HttpRequest, case_id: int, payload: AcceptIn) -> dict[str, Any]:
    return _step(request, case_id, "accept", payload)


@router.post("/{case_id}/request-supplement", response=CaseOut, summary="一次性告知补正材料")
def request_supplement(request: HttpRequest, case_id: int, payload: SupplementIn) -> dict[str, Any]:
    return _step(request, case_id, "request_supplement", payload)


@router.post("/{case_id}/supply", response=CaseOut, summary="登记补正材料")
def supply(request: HttpRequest, case_id: int, payload: SupplyIn) -> dict[str, Any]:
    return _step(request, case_id, "supply", payload)


@router.post("/{case_id}/not-accept", response=CaseOut, summary="不予受理")
def not_accept(request: HttpRequest, case_id: int, payload: NotAcceptIn) -> dict[str, Any]:
    return _step(request, case_id, "not_accept", payload)


@router.post("/{case_id}/investigate", response=CaseOut)
def investigate(request: HttpRequest, case_id: int, payload: InvestigateIn) -> dict[str, Any]:
    return _step(request, case_id, "investigate", payload)


@router.post("/{case_id}/request-check", response=CaseOut)
def request_check(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _step(request, case_id, "request_check")


@router.post("/{case_id}/record-check", response=CaseOut)
def record_check(request: HttpRequest, case_id: int, payload: CheckIn) -> dict[str, Any]:
    return _step(request, case_id, "record_check", payload)


@router.post("/{case_id}/township-opinion", response=CaseOut)
def township_opinion(request: HttpRequest, case_id: int, payload: OpinionIn) -> dict[str, Any]:
    return _step(request, case_id, "township_opinion", payload)


@router.post("/{case_id}/publish-notice", response=CaseOut)
def publish_notice(request: HttpRequest, case_id: int, payload: NoticeIn) -> dict[str, Any]:
    return _step(request, case_id, "publish_notice", payload)


@router.post("/{case_id}/objection", response=CaseOut)
def record_objection(request: HttpRequest, case_id: int, payload: ObjectionIn) -> dict[str, Any]:
    return _step(request, case_id, "record_objection", payload)


@router.post("/{case_id}/resolve-objection", response=CaseOut)
def resolve_objection(request: HttpRequest, case_id: int, payload: ResolveIn) -> dict[str, Any]:
    return _step(request, case_id, "resolve_objection", payload)


@router.post("/{case_id}/confirm", response=CaseOut)
def confirm(request: HttpRequest, case_id: int, payload: ConfirmIn) -> dict[str, Any]:
    return _step(request, case_id, "confirm", payload)


@router.post(
    "/{case_id}/check-amount",
    response=CaseOut,
    summary="A second approver accepts or sends back an amount confirmed above the computed one",
)
def check_amount(request: HttpRequest, case_id: int, payload: AmountCheckIn) -> dict[str, Any]:
    return _step(request, case_id, "check_amount", payload)


@router.post("/{case_id}/refuse", response=CaseOut)
def refuse(request: HttpRequest, case_id: int, payload: RefuseIn) -> dict[str, Any]:
    return _step(request, case_id, "refuse", payload)


@router.post("/{case_id}/withdraw", response=CaseOut)
def withdraw(request: HttpRequest, case_id: int, payload: WithdrawIn) -> dict[str, Any]:
    return _step(request, case_id, "withdraw", payload)


def _ent_out(e: Entitlement) -> dict[str, Any]:
    return {
        **{
            f: getattr(e, f)
            for f in (
                "id",
                "household_id",
                "program",
                "monthly_amount",
                "start_month",
                "end_month",
                "suspended_from",
                "status",
                "gradual_exit",
                "source_case_id",
            )
        },
        "person_ids": [p.pk for p in e.persons.all()],
    }


@router.get("/entitlements/", response=EntitlementPage, summary="Entitlements in the caller's region")
def entitlement_list(request: HttpRequest, household_id: int | None = None, page: int = 1) -> dict[str, Any]:
    qs = entitlements_visible(user=request.user).prefetch_related(*PERSONS_PREFETCH).order_by("-id")  # type: ignore[arg-type]
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    p = Paginator(qs, 50).get_page(page)
    return {
        "count": p.paginator.count,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "results": [_ent_out(e) for e in p],
    }


@router.get("/entitlements/{entitlement_id}", response=EntitlementOut, summary="One entitlement")
def entitlement_read(request: HttpRequest, entitlement_id: int) -> dict[str, Any]:
    return _ent_out(entitlement_get(user=request.user, pk=entitlement_id))  # type: ignore[arg-type]
