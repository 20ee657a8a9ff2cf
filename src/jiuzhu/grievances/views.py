"""The grievance desk's pages. Thin: selectors decide what a user sees, services what they may do."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.models import Case
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import prefix_q, scope_q
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.grievances import forms, selectors, services, stats
from jiuzhu.grievances.models import Channel, Grievance, Kind, State
from jiuzhu.grievances.workflow import STEPS, is_overdue, steps_for
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Person

PAGE_SIZE = 25


def _require(request: AuthedRequest, capability: Capability) -> None:
    if not request.user.has_capability(capability):
        raise PermissionDenied


def _filters(request: AuthedRequest) -> selectors.GrievanceFilters:
    g = request.GET
    return selectors.GrievanceFilters(
        state=g.get("state", "") if g.get("state", "") in State.values else "",
        kind=g.get("kind", "") if g.get("kind", "") in Kind.values else "",
        channel=g.get("channel", "") if g.get("channel", "") in Channel.values else "",
        township=g.get("township", "")[:12] if g.get("township", "").isdigit() else "",
        overdue=g.get("overdue") == "1",
        escalated=g.get("escalated") == "1",
        q=g.get("q", "")[:100],
    )


def _townships(request: AuthedRequest) -> Any:
    prefix = request.user.scope_prefix or "-"
    return Region.objects.filter(prefix_q(prefix, "code"), level=Level.TOWNSHIP).order_by("code")


@login_required
def desk(request: AuthedRequest) -> HttpResponseBase:
    _require(request, Capability.VIEW_GRIEVANCES)
    today = timezone.localdate()
    filters = _filters(request)
    rows = selectors.grievances_filtered(user=request.user, filters=filters, on=today).order_by("-received_on", "-id")
    if request.GET.get("format") == "xlsx":
        return _export(request, rows, today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grievances/list.html",
        {
            "page": page,
            "f": filters,
            "states": State.choices,
            "kinds": Kind.choices,
            "channels": Channel.choices,
            "townships": _townships(request),
            "today": today,
            "can_record": request.user.has_capability(Capability.RECORD_GRIEVANCE),
            "can_report": request.user.has_capability(Capability.VIEW_GRIEVANCES),
        },
    )


def _export(request: AuthedRequest, rows: Any, today: dt.date) -> FileResponse:
    """The filtered list as xlsx (through core.tabular): no contact data, the content as written."""
    header = [_("受理编号"), _("类型"), _("渠道"), _("所涉地区"), _("问题类别"), _("受理日期"), _("状态"),
              _("承办单位"), _("办理期限"), _("答复日期"), _("已超期"), _("反映内容"), _("答复内容")]  # fmt: skip
    lines = [
        [
            g.number,
            g.get_kind_display(),
            g.get_channel_display(),
            g.region.name,
            g.get_topic_display(),
            g.received_on,
            g.get_state_display(),
            g.assigned_region.name if g.assigned_region else "",
            g.due_date,
            g.answered_on,
            _("是") if is_overdue(g, today) else "",
            g.content,
            g.answer,
        ]
        for g in rows[:20_000]
    ]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="grievance",
        region_code=request.user.region.code if request.user.region else "",
        summary=_("导出投诉举报 %(n)s 件") % {"n": len(lines)},
    )
    with tempfile.TemporaryDirectory() as tmp:
        body = write_xlsx(Path(tmp) / "grievances.xlsx", header, lines, title=_("投诉举报")).read_bytes()
    return FileResponse(io.BytesIO(body), as_attachment=True, filename=f"投诉举报-{today:%Y%m%d}.xlsx")


def _subject(request: AuthedRequest, model: type[Case] | type[Household], number: str) -> Any:
    number = number.strip()
    if not number:
        return None
    obj = model.objects.filter(scope_q(request.user), number=number).first()
    if obj is None:
        raise ValidationError(_("在您的管辖范围内没有编号为 %(n)s 的记录") % {"n": number})
    return obj


def _person(request: AuthedRequest, id_number: str) -> Person | None:
    id_number = id_number.strip().upper()
    if not id_number:
        return None
    person = Person.objects.filter(scope_q(request.user), id_number_hash=pii.lookup_hash(id_number)).first()
    if person is None:
        raise ValidationError({"person_id_number": _("在您的管辖范围内没有该身份证号的人员")})
    return person


@login_required
def record(request: AuthedRequest) -> HttpResponse:
    """A grievance received at the window, on the phone or by letter."""
    _require(request, Capability.RECORD_GRIEVANCE)
    form = forms.RecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = _subject(request, Case, d["case_number"])
            household = _subject(request, Household, d["household_number"])
            person = _person(request, d["person_id_number"])
            sub = services.grievance_submit(
                actor=request.user,
                channel=d["channel"],
                kind=d["kind"],
                topic=d["topic"],
                content=d["content"],
                region=d["region"],
                anonymous=d["anonymous"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                subject_case=case,
                subject_household=household,
                subject_person=person,
                subject_staff=d["staff"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            # The query code exists only in this response: the desk reads it out or writes it on the receipt.
            can_view = request.user.has_capability(Capability.VIEW_GRIEVANCES)
            context = {"sub": sub, "g": sub.grievance, "can_view": can_view}
            return render(request, "grievances/recorded.html", context)
    return render(request, "grievances/record.html", {"form": form})


def _step_forms(request: AuthedRequest, g: Grievance, bound: tuple[str, Form] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if bound is not None:  # a refused step keeps its form on the page, with the reason above it
        out[bound[0]] = (STEPS[bound[0]], bound[1])
    for action in steps_for(request.user, g):
        cls = forms.STEP_FORMS[action]
        if action in out:
            continue
        kwargs: dict[str, Any] = {"prefix": action}
        if cls is forms.AssignForm:
            kwargs["user"] = request.user
        if cls is forms.AnswerForm:
            kwargs["initial"] = {"topic": g.topic}
        out[action] = (STEPS[action], cls(**kwargs))
    return out


def _detail(
    request: AuthedRequest, g: Grievance, bound: tuple[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "grievances/detail.html",
        {
            "g": g,
            "events": selectors.grievance_timeline(grievance=g),
            "step_forms": _step_forms(request, g, bound),
            "open_step": bound[0] if bound else "",
            "overdue": is_overdue(g, today),
            "can_reveal": request.user.can_reveal_pii and bool(g.contact_phone_enc),
            "today": today,
        },
        status=status,
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.grievance_get(user=request.user, pk=pk))


def _run_step(request: AuthedRequest, g: Grievance, action: str, d: dict[str, Any]) -> Grievance:
    user = request.user
    if action == "assign":
        return services.grievance_assign(actor=user, grievance=g, region=d["region"], staff=d["staff"], note=d["note"])
    if action == "investigate":
        return services.grievance_investigate(actor=user, grievance=g, note=d["note"])
    if action == "note":
        return services.grievance_note_add(actor=user, grievance=g, note=d["note"])
    if action == "request_review":
        return services.grievance_request_review(actor=user, grievance=g)
    if action == "answer":
        return services.grievance_answer(actor=user, grievance=g, answer=d["answer"], topic=d["topic"])
    if action == "close":
        return services.grievance_close(actor=user, grievance=g, satisfaction=d["satisfaction"], note=d["note"])
    return services.grievance_reopen(actor=user, grievance=g, reason=d["reason"])


@login_required
@require_POST
def step(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    g = selectors.grievance_get(user=request.user, pk=pk)
    if action not in STEPS:
        raise Http404
    cls = forms.STEP_FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if cls is forms.AssignForm:
        kwargs["user"] = request.user
    form = cls(request.POST, **kwargs)
    if form.is_valid():
        try:
            _run_step(request, g, action, form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("%(n)s：已%(a)s") % {"n": g.number, "a": STEPS[action].label})
            return redirect("grievances:detail", pk=g.pk)
    g.refresh_from_db()
    return _detail(request, g, (action, form), status=422)


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    g = selectors.grievance_get(user=request.user, pk=pk)
    return HttpResponse(
        format_html(
            '<span class="revealed">{}</span>', services.grievance_contact_reveal(actor=request.user, grievance=g)
        )
    )


def _period(request: AuthedRequest, today: dt.date) -> tuple[dt.date, dt.date]:
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@login_required
def report(request: AuthedRequest) -> HttpResponseBase:
    _require(request, Capability.VIEW_GRIEVANCES)
    today = timezone.localdate()
    start, end = _period(request, today)
    data = stats.grievance_report(user=request.user, start=start, end=end, on=today)
    if request.GET.get("format") == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            body = stats.report_xlsx(data, Path(tmp) / "report.xlsx").read_bytes()
        name = f"投诉举报统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        return FileResponse(io.BytesIO(body), as_attachment=True, filename=name)
    sections = [(stats.SECTION_TITLES[k], rows) for k, rows in data.sections.items()]
    return render(request, "grievances/report.html", {"r": data, "sections": sections})
