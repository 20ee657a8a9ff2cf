"""Pages of the monitoring app: the list (filters, paging, xlsx), one household's monitoring page with its
forms, and the scan started as a background job. Reads need VIEW_MONITORING, writes MANAGE_MONITORING;
everything is limited to the user's region (selectors)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.scope import prefix_q
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.monitoring import forms, selectors, services
from jiuzhu.monitoring.models import Category, Level, MonitoredHousehold, RiskFactor, ScanJob, Status
from jiuzhu.monitoring.services.household import household_level
from jiuzhu.monitoring.tasks import monitoring_scan_job
from jiuzhu.regions.models import Level as RegionLevel
from jiuzhu.regions.models import Region

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user: User, capability: Capability) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _filter(request: AuthedRequest) -> selectors.MonitoredFilter:
    g = request.GET
    return selectors.MonitoredFilter(
        category=g.get("category", "") if g.get("category", "") in Category.values else "",
        level=g.get("level", "") if g.get("level", "") in Level.values else "",
        township=g.get("township", ""),
        due=g.get("due") == "1",
        status=g.get("status", ""),
    )


def _townships(user: User) -> list[Region]:
    prefix = user.scope_prefix
    if not prefix:
        return []
    return list(Region.objects.filter(prefix_q(prefix, "code"), level=RegionLevel.TOWNSHIP).order_by("code"))


@login_required
def monitored_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_MONITORING)
    f = _filter(request)
    today = timezone.localdate()
    qs = selectors.monitored_list(user=user, f=f, on=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/list.html",
        {
            "page": page,
            "f": f,
            "categories": Category.choices,
            "levels": Level.choices,
            "statuses": Status.choices,
            "townships": _townships(user),
            "today": today,
            "can_manage": user.has_capability(Capability.MANAGE_MONITORING),
            "query": request.GET.urlencode(),
        },
    )


def _export_rows(qs: Any) -> Any:
    for m in qs.iterator(chunk_size=2000):
        yield [
            m.household.number,
            m.household.head_name,
            m.household.region.name,
            m.get_category_display(),
            m.get_level_display(),
            "、".join(str(RiskFactor(c).label) for c in m.factor_codes),
            m.get_status_display(),
            m.enrolled_on,
            m.level_since,
            m.next_assessment,
            m.eliminated_on or "",
        ]


@login_required
def export(request: AuthedRequest) -> FileResponse:
    user = request.user
    _require(user, Capability.VIEW_MONITORING)
    qs = selectors.monitored_list(user=user, f=_filter(request), on=timezone.localdate())
    header = [
        _("户编号"), _("户主"), _("村（社区）"), _("监测类别"), _("预警等级"), _("登记的风险因素"), _("状态"),
        _("纳入监测日期"), _("预警等级起始日期"), _("下次评估日期"), _("风险消除日期"),
    ]  # fmt: skip
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_xlsx(path, header, _export_rows(qs), title=_("监测对象"))
        stream = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    filename = _("监测对象-%(d)s.xlsx") % {"d": f"{timezone.localdate():%Y%m%d}"}
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


def _detail_page(
    request: AuthedRequest, monitored: MonitoredHousehold, bound: dict[str, BaseForm] | None = None
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    current = household_level(monitored=monitored, on=today)
    bound = bound or {}
    context = {
        "m": monitored,
        "household": monitored.household,
        "current": current,
        "current_level_label": Level(str(current["level"])).label,
        "current_factors": [RiskFactor(c).label for c in current["factors"]],  # type: ignore[attr-defined]
        "assessments": selectors.assessments_of(monitored=monitored),
        "measures": selectors.measures_of(monitored=monitored),
        "can_manage": user.has_capability(Capability.MANAGE_MONITORING),
        "measure_form": bound.get("measure") or forms.MeasureForm(),
        "reassess_form": bound.get("reassess") or forms.ReassessForm(initial={"factors": monitored.factor_codes}),
        "eliminate_form": bound.get("eliminate") or forms.EliminateForm(),
        "today": today,
        "due": monitored.next_assessment <= today,
    }
    return render(request, "monitoring/detail.html", context, status=400 if bound else 200)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user, Capability.VIEW_MONITORING)
    return _detail_page(request, selectors.monitored_get(user=request.user, pk=pk))


@login_required
@require_POST
def measure(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_MONITORING)
    monitored = selectors.monitored_get(user=user, pk=pk)
    form = forms.MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_add(actor=user, monitored=monitored, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已登记帮扶措施"))
            return redirect("monitoring:detail", pk=pk)
    return _detail_page(request, monitored, {"measure": form})


@login_required
@require_POST
def reassess(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_MONITORING)
    monitored = selectors.monitored_get(user=user, pk=pk)
    form = forms.ReassessForm(request.POST)
    if form.is_valid():
        try:
            a = services.monitored_reassess(actor=user, monitored=monitored, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已记录评估，预警等级：%(l)s") % {"l": a.get_level_display()})
            return redirect("monitoring:detail", pk=pk)
    return _detail_page(request, monitored, {"reassess": form})


@login_required
@require_POST
def eliminate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_MONITORING)
    monitored = selectors.monitored_get(user=user, pk=pk)
    form = forms.EliminateForm(request.POST)
    if form.is_valid():
        try:
            services.monitored_eliminate(actor=user, monitored=monitored, reasons=form.cleaned_data["reasons"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已标记风险消除，继续保持监测"))
            return redirect("monitoring:detail", pk=pk)
    return _detail_page(request, monitored, {"eliminate": form})


@login_required
def scan(request: AuthedRequest) -> HttpResponse:
    """GET: the recent scans and the button; POST: a scan of the user's region, queued as a job."""
    user = request.user
    _require(user, Capability.MANAGE_MONITORING)
    if request.method == "POST":
        if user.region is None:
            raise PermissionDenied
        job = ScanJob.objects.create(user=user, region_code=user.region.code, on=timezone.localdate())
        monitoring_scan_job.enqueue(job.pk)
        return redirect("monitoring:scan_status", pk=job.pk)
    jobs = selectors.scan_jobs_visible(user=user).select_related("user")[:10]
    return render(request, "monitoring/scan.html", {"jobs": jobs})


@login_required
def scan_status(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user, Capability.VIEW_MONITORING)
    job = get_object_or_404(selectors.scan_jobs_visible(user=request.user), pk=pk)
    template = "monitoring/_scan_progress.html" if request.headers.get("HX-Request") else "monitoring/scan_status.html"
    return render(request, template, {"job": job})
