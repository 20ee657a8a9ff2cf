"""Thin views of the findings ledger, the runs and the summary. Data sets: views_datasets."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.messages import translated
from jiuzhu.core.models import AuditAction
from jiuzhu.core.tabular import write_csv, write_xlsx
from jiuzhu.matching import forms, selectors
from jiuzhu.matching.evidence import evidence_rows
from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.models import Finding, FindingStatus, Run, Severity
from jiuzhu.matching.rules import RULES
from jiuzhu.matching.selectors import CLOSED, OPEN
from jiuzhu.matching.services.findings import finding_rectify, finding_step
from jiuzhu.matching.services.runs import run_create
from jiuzhu.matching.tasks import matching_run_job
from jiuzhu.matching.workflow import ACTION_LABELS, STEPS, steps_for
from jiuzhu.regions.models import PREFIX_LENGTH

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user: User, capability: Capability) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _filter(request: AuthedRequest) -> selectors.FindingFilter:
    g = request.GET
    status = g.get("status", "")
    township = g.get("township", "")
    return selectors.FindingFilter(
        rule=g.get("rule", "") if g.get("rule", "") in RULES else "",
        status=status if status in (*FindingStatus.values, OPEN, CLOSED) else "",
        township=township if township.isdigit() and len(township) in PREFIX_LENGTH.values() else "",
        overdue=g.get("overdue") == "1",
        q=g.get("q", "").strip()[:50],
    )


def _rule_choices() -> list[tuple[str, str]]:
    return [(code, _(rule.name)) for code, rule in RULES.items()]


@login_required
def finding_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_FINDINGS)
    f = _filter(request)
    qs = selectors.findings_filtered(user=user, f=f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/finding_list.html",
        {
            "page": page,
            "f": f,
            "rules": _rule_choices(),
            "rule_names": dict(_rule_choices()),
            "statuses": FindingStatus.choices,
            "townships": selectors.townships_of(user=user),
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "can_run": user.has_capability(Capability.RUN_MATCHING),
        },
    )


@login_required
def finding_export(request: AuthedRequest) -> FileResponse:
    user = request.user
    _require(user, Capability.VIEW_FINDINGS)
    qs = selectors.findings_filtered(user=user, f=_filter(request))
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    names = dict(_rule_choices())
    severities = dict(Severity.choices)
    header = [_("编号"), _("比对规则"), _("严重程度"), _("户编号"), _("户主"), _("人员"), _("区划代码"), _("问题摘要"),
              _("状态"), _("核实期限"), _("核实结论"), _("整改说明")]  # fmt: skip
    rows = (
        [
            f.pk,
            names.get(f.rule, f.rule),
            severities.get(f.severity, f.severity),
            f.household.number if f.household else "",
            f.household.head_name if f.household else "",
            f.person.name if f.person else "",
            f.region_code,
            translated(f.summary),
            f.get_status_display(),
            f.deadline.isoformat(),
            f.conclusion,
            f.action_note,
        ]
        for f in qs.iterator(chunk_size=2000)
    )
    handle, name = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    if fmt == "csv":
        write_csv(path, header, rows)
    else:
        write_xlsx(path, header, rows, title=_("疑似问题台账"))
    audit_record(actor=user, action=AuditAction.EXPORT, object_type="finding",
                 region_code=(user.scope_prefix or "").ljust(12, "0"), summary=_("导出疑似问题台账"))  # fmt: skip
    response = FileResponse(path.open("rb"), as_attachment=True, filename=_("疑似问题台账") + f".{fmt}",
                            content_type=XLSX if fmt == "xlsx" else "text/csv")  # fmt: skip
    path.unlink()  # the open handle keeps the data until the response is sent
    return response


def _detail_context(request: AuthedRequest, finding: Finding, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    user = request.user
    steps = steps_for(user, finding)
    bound = bound or {}
    step_forms = []
    for s in steps:
        form = bound.get(s.action) or (
            forms.RectifyForm(rule=finding.rule, prefix=s.action)
            if s.action == "rectify"
            else forms.StepForm(prefix=s.action)
        )
        step_forms.append((s, form))
    rule = RULES.get(finding.rule)
    return {
        "finding": finding,
        "rule": rule,
        "evidence": evidence_rows(finding.evidence),
        "step_forms": step_forms,
        "steps": finding.steps.select_related("actor"),
        "action_label": ACTION_LABELS.get(finding.action, ""),
        "step_labels": {k: s.label for k, s in STEPS.items()},
        "today": timezone.localdate(),
    }


@login_required
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    return render(request, "matching/finding_detail.html", _detail_context(request, finding))


@login_required
@require_POST
def finding_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    if action not in STEPS:
        raise Http404
    form: forms.StepForm | forms.RectifyForm
    form = (
        forms.RectifyForm(request.POST, rule=finding.rule, prefix=action)
        if action == "rectify"
        else forms.StepForm(request.POST, prefix=action)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "rectify":
                finding_rectify(actor=request.user, finding=finding, action=data["action"], note=data["note"],
                                death_date=data.get("death_date"))  # fmt: skip
            else:
                finding_step(actor=request.user, finding=finding, action=action, note=data["note"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您的角色无权执行此操作"))
        else:
            messages.success(request, _("已完成：%(a)s") % {"a": STEPS[action].label})
            return redirect("matching:finding", pk=finding.pk)
    return render(
        request, "matching/finding_detail.html", _detail_context(request, finding, {action: form}), status=422
    )


@login_required
def summary(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_FINDINGS)
    rows = selectors.findings_summary(user=user)
    names = dict(_rule_choices())
    totals = {k: sum(r[k] for r in rows) for k in ("found", "confirmed", "rectified", "unfounded", "open", "overdue")}
    return render(request, "matching/summary.html", {"rows": rows, "names": names, "totals": totals})


@login_required
def run_start(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.RUN_MATCHING)
    form = forms.RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = run_create(actor=user, rules=form.cleaned_data["rules"] or None)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            matching_run_job.enqueue(run.pk)
            return redirect("matching:run", pk=run.pk)
    runs = selectors.runs_visible(user=user)[:10]
    severities = dict(Severity.choices)
    kinds = dict(Kind.choices)
    rules = [
        {"code": r.code, "name": r.name, "description": r.description, "source": r.source,
         "severity_label": severities[r.severity.value], "kinds": [str(kinds[k]) for k in r.kinds]}
        for r in RULES.values()
    ]  # fmt: skip
    return render(request, "matching/run_start.html", {"form": form, "runs": runs, "rules": rules})


@login_required
def run_status(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_visible(user=request.user), pk=pk)
    template = "matching/_run_progress.html" if request.headers.get("HX-Request") else "matching/run_status.html"
    rows = [(code, _(RULES[code].name) if code in RULES else code, c) for code, c in run.summary.items()]
    return render(
        request, template, {"run": run, "rows": rows, "finished": run.status in (Run.Status.DONE, Run.Status.FAILED)}
    )
