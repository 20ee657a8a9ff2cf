from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability
from jiuzhu.cases import checklists, documents, engine, forms, selectors, services, steps
from jiuzhu.cases.engine import EngineResult
from jiuzhu.cases.models import AmountCheckState, Case, CaseDocument, Review, Status
from jiuzhu.cases.workflow import CHECK_AMOUNT, STEPS, step_allowed, step_refusal
from jiuzhu.core import holidays as core_holidays
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.workdays import known_years
from jiuzhu.payments.models import add_months, first_of_month
from jiuzhu.regions.selectors import child_regions
from jiuzhu.registry import selectors as registry_selectors

PAGE_SIZE = 25


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


@login_required
def todo(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    month_end = add_months(first_of_month(today), 1)
    return render(
        request,
        "cases/todo.html",
        {
            "items": selectors.todo_for(user=user, on=today),
            "reviews": selectors.reviews_due(user=user, until=month_end),
            # The townships' proposals with the engine's amount for each household now, beside the proposal.
            "proposals": _with_engine(list(selectors.review_proposals(user=user)[:50]), today),
            "may_decide_reviews": user.has_capability(Capability.CONFIRM_CASE),
            "today": today,
            "steps": {**STEPS, CHECK_AMOUNT.action: CHECK_AMOUNT},
        },
    )


def _with_engine(reviews: list[Review], on: dt.date) -> list[tuple[Review, EngineResult]]:
    """Each proposal beside the engine's amount for its household now, all of them in one pass of the engine."""
    return list(zip(reviews, services.engines_for_reviews(reviews=reviews, on=on), strict=True))


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    where = selectors.CaseFilter(
        text=request.GET.get("q", "")[:40],
        region=request.GET.get("region", ""),
        status=request.GET.get("status", ""),
        program=request.GET.get("program", ""),
        submitted_from=_date_param(request, "from"),
        submitted_to=_date_param(request, "to"),
    )
    qs = selectors.cases_search(user=user, where=where).distinct().order_by("-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "where": where,
            "statuses": Status.choices,
            "programs": engine.program_choices(),
            "areas": child_regions(user=user),
            "today": timezone.localdate(),
        },
    )


def _date_param(request: AuthedRequest, name: str) -> dt.date | None:
    """A YYYY-MM-DD query parameter; anything else is ignored, as an empty field would be."""
    try:
        return dt.date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return None


@login_required
def case_create(request: AuthedRequest, household_pk: int) -> HttpResponse:
    user = request.user
    household = registry_selectors.household_get(user=user, pk=household_pk)
    if not user.has_capability(Capability.SUBMIT_CASE):
        raise PermissionDenied
    form = forms.CaseCreateForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_submit(
                actor=user,
                household=household,
                program=d["program"],
                applicant=d["applicant"],
                channel=d["channel"],
                reason=d["reason"],
                single_person=d["single_person"],
                linshi_kind=d["linshi_kind"] or "",
                staff_relative=d["staff_relative"],
                staff_relative_note=d["staff_relative_note"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已提交申请 %(n)s") % {"n": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_create.html", {"form": form, "household": household})


# What the decision screen offers rather than the case page.
DECISION_ACTIONS = ("confirm", "refuse", CHECK_AMOUNT.action)


def _case_context(request: AuthedRequest, case: Case) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    actions = selectors.steps_for(user=user, case=case, on=today)
    step_forms = {}
    for a in actions:
        if a in DECISION_ACTIONS:
            continue  # on the decision screen
        initial = {"start_date": today, "visit_date": today}
        form = forms.step_form(a, case, initial=initial, prefix=a)
        if a == "township_opinion":  # the township head sees what the system computes before leaving it empty
            computed = services.engine_for_case(case=case, on=today)
            form.fields["amount"].help_text = _("系统测算：%(a)s 元/月") % {"a": computed.amount}
            form.fields["amount"].widget.attrs["placeholder"] = str(computed.amount)
        step_forms[a] = (STEPS[a], form)
    docs = list(case.documents.all())
    have = {d.kind for d in docs}
    supplement = selectors.open_supplement(case) if case.status == Status.SUPPLEMENT else None
    return {
        "supplement": supplement,
        "supplement_items": selectors.supplement_labels(case, supplement) if supplement else [],
        "supplements": case.supplements.all(),
        "case": case,
        "program_name": engine.program_name(case.program),
        "step_forms": step_forms,
        "can_decide": any(a in actions for a in DECISION_ACTIONS),
        "events": case.events.select_related("actor"),
        "documents": docs,
        "checklist": [(code, label, code in have) for code, label in checklists.checklist(case.program)],
        "document_form": forms.DocumentForm(program=case.program),
        "note_form": forms.NoteForm(),
        "investigations": case.investigations.all(),
        "checks": case.checks.all(),
        "objections": case.objections.all(),
        "notice_entries": case.notice_entries.select_related("notice"),
        "assessments": case.self_care.select_related("person"),
        "can_assess": step_allowed(user, case, "assess_self_care"),
        "can_emergency": step_allowed(user, case, "emergency_pay"),
        "can_upload": step_allowed(user, case, "upload_document"),
        "can_note": step_allowed(user, case, "add_note"),
        "refusal_due": selectors.refusal_notify_due(case) if case.status == Status.REFUSED else None,
        "today": today,
        "members": selectors.snapshot_members(case=case),
        "panels": _panels(request, case),
    }


def _refused(request: AuthedRequest, case: Case, action: str) -> HttpResponse | None:
    """A page offering an action shows only to whoever may take it now: 403 for a role that never may,
    back to the case with the reason when the case is not in a state for it."""
    refusal = step_refusal(request.user, case, action)
    if refusal is None:
        return None
    if refusal.forbidden:
        raise PermissionDenied(refusal.message)
    messages.error(request, str(refusal.message))
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _panels(request: AuthedRequest, case: Case) -> list[str]:
    from jiuzhu.cases.extensions import render_case_panels

    return render_case_panels(request, case)


@login_required
@require_POST
def case_step(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if action not in STEPS and action != CHECK_AMOUNT.action:
        raise Http404
    form = forms.step_form(action, case, request.POST, prefix=action)
    if form.is_valid():
        try:
            done = steps.step_run(action, actor=request.user, case=case, data=form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if action == "confirm" and done.amount_check_by_id is not None:
                messages.success(request, _("确认金额高于测算金额，已提交另一名审核人员复核；复核同意后才生成救助待遇"))
            else:
                label = CHECK_AMOUNT.label if action == CHECK_AMOUNT.action else STEPS[action].label
                messages.success(request, _("已完成：%(a)s") % {"a": label})
            if action in DECISION_ACTIONS:
                return redirect("cases:decide", pk=case.pk)
            return redirect("cases:detail", pk=case.pk)
    if action in DECISION_ACTIONS:
        return _decide_page(request, case, {action: form})
    ctx = _case_context(request, case)
    ctx["step_forms"] = {action: (STEPS[action], form), **{k: v for k, v in ctx["step_forms"].items() if k != action}}
    ctx["open_step"] = action
    return render(request, "cases/case_detail.html", ctx, status=422)


def _decide_page(request: AuthedRequest, case: Case, bound: dict[str, BaseForm] | None = None) -> HttpResponse:
    today = timezone.localdate()
    actions = selectors.steps_for(user=request.user, case=case, on=today)
    on_snapshot = services.engine_for_case(case=case, on=today)
    on_now = services.engine_for_case(case=case, on=today, now=True)
    bound = bound or {}
    return render(
        request,
        "cases/decide.html",
        {
            "case": case,
            "program_name": engine.program_name(case.program),
            "snapshot_result": on_snapshot,
            "now_result": on_now,
            "differs": on_snapshot.amount != on_now.amount or on_snapshot.eligible != on_now.eligible,
            "confirm_form": bound.get("confirm")
            or forms.ConfirmForm(initial={"amount": on_snapshot.amount}, prefix="confirm"),
            "refuse_form": bound.get("refuse") or forms.RefuseForm(prefix="refuse"),
            "can_confirm": "confirm" in actions,
            "can_refuse": "refuse" in actions,
            "pending_check": case.amount_checks.filter(state=AmountCheckState.PENDING)
            .select_related("requested_by")
            .first(),
            "past_checks": case.amount_checks.exclude(state=AmountCheckState.PENDING).select_related(
                "requested_by", "checked_by"
            ),
            "can_check": CHECK_AMOUNT.action in actions,
            "check_form": bound.get(CHECK_AMOUNT.action) or forms.AmountCheckForm(prefix=CHECK_AMOUNT.action),
            "maker": case.opinion_by_id == request.user.pk,
            "notice_entries": case.notice_entries.select_related("notice"),
            "entitlements": case.entitlements.all(),
            "today": today,
        },
        status=422 if bound else 200,
    )


@login_required
def case_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return _decide_page(request, case)


@login_required
@require_POST
def case_document_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = forms.DocumentForm(request.POST, request.FILES, program=case.program)
    if form.is_valid():
        try:
            services.case_document_add(
                actor=request.user, case=case, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已上传"))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_document(request: AuthedRequest, pk: int, doc_pk: int) -> FileResponse:
    """Scans are served only here, after the scope check; they are never under a public URL."""
    case = selectors.case_get(user=request.user, pk=pk)
    doc = get_object_or_404(CaseDocument, pk=doc_pk, case=case)
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.original_name)


@login_required
@require_POST
def case_note(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=request.user, case=case, text=form.cleaned_data["text"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_self_care(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if (refused := _refused(request, case, "assess_self_care")) is not None:
        return refused
    form = forms.SelfCareForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        from jiuzhu.cases.models import ADL_ACTIVITIES

        try:
            services.case_assess_self_care(
                actor=request.user,
                case=case,
                person=case.applicant,
                can_do={code: d[code] for code, _label in ADL_ACTIVITIES},
                assessors=[d["assessor_1"], d["assessor_2"]],
                assessed_on=d["assessed_on"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已保存生活自理能力评估"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case, "title": _("生活自理能力评估")})


@login_required
def case_emergency(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if (refused := _refused(request, case, "emergency_pay")) is not None:
        return refused
    form = forms.EmergencyPayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_emergency_pay(
                actor=request.user, case=case, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已从备用金先行救助"))
            return redirect("cases:detail", pk=case.pk)
    balance = selectors.reserve_balance(township_code=case.township_code)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": _("急难型临时救助先行救助"),
            "hint": _("乡镇备用金余额：%(b)s 元") % {"b": balance},
        },
    )


@login_required
def approval_form_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return _pdf(documents.approval_form_pdf(case), f"approval-{case.number}.pdf")


@login_required
def refusal_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case.status != Status.REFUSED:
        raise Http404
    return _pdf(documents.refusal_notice_pdf(case), f"refusal-{case.number}.pdf")


@login_required
def not_accepted_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case.status != Status.NOT_ACCEPTED:
        raise Http404
    return _pdf(documents.not_accepted_notice_pdf(case), f"not-accepted-{case.number}.pdf")


@login_required
def supplement_pdf(request: AuthedRequest, pk: int, supplement_pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    supplement = get_object_or_404(case.supplements, pk=supplement_pk)
    return _pdf(documents.supplement_notice_pdf(case, supplement), f"supplement-{case.number}-{supplement.pk}.pdf")


@login_required
def self_care_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    assessment = case.self_care.select_related("person", "case").first()
    if assessment is None:
        raise Http404
    return _pdf(documents.self_care_pdf(assessment), f"self-care-{case.number}.pdf")


# ── notices ──


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    ready = selectors.cases_ready_for_notice(user=user) if user.has_capability(Capability.PUBLISH_NOTICE) else None
    return render(
        request,
        "cases/notice_list.html",
        {"notices": selectors.notices_visible(user=user)[:100], "ready": ready, "today": timezone.localdate()},
    )


@login_required
@require_POST
def notice_publish(request: AuthedRequest) -> HttpResponse:
    user = request.user
    ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
    cases = list(selectors.cases_visible(user=user).filter(pk__in=ids))
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写公示开始日期"))
        return redirect("cases:notices")
    try:
        notices = services.notice_publish(actor=user, cases=cases, start_date=form.cleaned_data["start_date"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已生成 %(n)d 份公示") % {"n": len(notices)})
    return redirect("cases:notices")


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    return render(
        request, "cases/notice_detail.html", {"notice": notice, "entries": notice.entries.all(), "public": False}
    )


@login_required
def notice_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    return _pdf(documents.notice_pdf(notice), f"notice-{notice.number}.pdf")


def notice_public(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The public page (no login): masked names, household size, programme, amount — nothing else."""
    notice = selectors.notice_public(public_id=public_id)
    return render(
        request, "cases/notice_detail.html", {"notice": notice, "entries": notice.entries.all(), "public": True}
    )


def notice_public_pdf(_request: AuthedRequest, public_id: str) -> HttpResponse:
    notice = selectors.notice_public(public_id=public_id)
    return _pdf(documents.notice_pdf(notice), f"notice-{notice.number}.pdf")


# ── timeliness, holidays, reserve fund (reviews: views_reviews) ──


@login_required
def timeliness(request: AuthedRequest) -> HttpResponse:
    rows = selectors.timeliness(user=request.user, on=timezone.localdate())
    return render(request, "cases/timeliness.html", {"rows": rows})


@login_required
def holidays(request: AuthedRequest) -> HttpResponse:
    """The 节假日 page, served under cases/ where it always was; the calendar and its overrides are core's."""
    user = request.user
    if not user.has_capability(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied
    form = forms.HolidayForm(request.POST if request.method == "POST" and "delete" not in request.POST else None)
    delete_form = forms.HolidayDeleteForm(request.POST if "delete" in request.POST else None)
    if request.method == "POST":
        try:
            if delete_form.is_bound and delete_form.is_valid():
                core_holidays.holiday_override_delete(actor=user, date=delete_form.cleaned_data["delete"])
                return redirect("cases:holidays")
            if form.is_bound and form.is_valid():
                d = form.cleaned_data
                core_holidays.holiday_override_set(
                    actor=user, date=d["date"], is_workday=d["is_workday"], note=d["note"]
                )
                messages.success(request, _("已保存"))
                return redirect("cases:holidays")
        except ValidationError as exc:
            form_add_errors(form, exc)
    first, last = known_years()
    return render(
        request,
        "cases/holidays.html",
        {
            "form": form,
            "delete_form": delete_form,
            "rows": core_holidays.holiday_overrides(),
            "first": first,
            "last": last,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def reserve_fund(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.has_capability(Capability.EMERGENCY_AID) or user.has_capability(Capability.CONFIRM_CASE)):
        raise PermissionDenied
    rows = selectors.reserve_townships(user=user)
    code = request.GET.get("township") or request.POST.get("township") or ""
    selected = next((t for t, _balance in rows if t.code == code), None)
    form = forms.TopupForm(request.POST or None)
    if request.method == "POST" and selected is not None and form.is_valid():
        try:
            services.reserve_fund_topup(
                actor=user, township=selected, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已拨付"))
            return redirect(f"{request.path}?township={selected.code}")
    return render(
        request,
        "cases/reserve_fund.html",
        {
            "rows": rows,
            "selected": selected,
            "ledger": selectors.reserve_ledger(township=selected) if selected else [],
            "form": form,
            "can_topup": user.has_capability(Capability.CONFIRM_CASE),
        },
        status=422 if form.errors else 200,
    )
