from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.pagination import CappedPaginator
from jiuzhu.payments.models import first_of_month
from jiuzhu.regions.models import Level, Region
from jiuzhu.reports import exports, selectors
from jiuzhu.reports.dashboard import dashboard_build
from jiuzhu.reports.figures import CATEGORIES, CATEGORY_BY_KEY
from jiuzhu.reports.forms import TargetForm
from jiuzhu.reports.services.targets import target_set

PAGE_SIZE = 50


def _require(request: AuthedRequest, capability: Capability = Capability.VIEW_REPORTS) -> None:
    if not request.user.has_capability(capability):
        raise PermissionDenied


def _month(value: str) -> dt.date | None:
    try:
        return first_of_month(dt.date.fromisoformat(value + "-01"))
    except ValueError:
        return None


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    _require(request)
    region = selectors.report_region(user=request.user, code=request.GET.get("region", ""))
    board = dashboard_build(user=request.user, region=region, month=_month(request.GET.get("month", "")))
    trail: list[Region] = []
    node: Region | None = region
    while node is not None and request.user.scope_prefix and node.code.startswith(request.user.scope_prefix):
        trail.insert(0, node)
        node = node.parent
    return render(
        request,
        "reports/dashboard.html",
        {"board": board, "trail": trail, "month_param": f"{board.month:%Y-%m}", "categories": CATEGORIES},
    )


@login_required
def households(request: AuthedRequest) -> HttpResponse:
    """The households behind a figure: covered in the month, in the region, by the category (or any)."""
    _require(request)
    region = selectors.report_region(user=request.user, code=request.GET.get("region", ""))
    month = _month(request.GET.get("month", "")) or first_of_month(dt.date.today())
    category = CATEGORY_BY_KEY.get(request.GET.get("category", ""))
    qs = selectors.households_behind(
        user=request.user, region=region, month=month, programs=category.programs if category else ()
    )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/households.html",
        {
            "region": region,
            "month": month,
            "category": _(category.label) if category else _("全部救助项目"),
            "category_key": category.key if category else "",
            "page": page,
        },
    )


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    _require(request)
    user = request.user
    regions = [
        (r.code, r.name)
        for r in Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")
        if user.scope_prefix and r.code.startswith(user.scope_prefix)
    ]
    can_edit = user.has_capability(Capability.MANAGE_TARGETS)
    form = TargetForm(request.POST or None, regions=regions, initial={"year": dt.date.today().year})
    if request.method == "POST":
        _require(request, Capability.MANAGE_TARGETS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                target_set(
                    actor=user,
                    year=data["year"],
                    region=Region.objects.get(code=data["region"]),
                    program=data["program"],
                    persons=data["persons"],
                    money=data["money"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("目标任务已保存"))
                return redirect("reports:targets")
    names = dict(regions)
    rows = [
        (t, names.get(t.region_code, t.region_code), _(CATEGORY_BY_KEY[t.program].label))
        for t in selectors.targets_visible(user=user).order_by("-year", "region_code", "program")
        if t.program in CATEGORY_BY_KEY
    ]
    return render(request, "reports/targets.html", {"form": form, "rows": rows, "can_edit": can_edit})


def _export_args(request: AuthedRequest) -> tuple[Region, dt.date]:
    _require(request)
    region = selectors.report_region(user=request.user, code=request.GET.get("region", ""))
    month = _month(request.GET.get("month", ""))
    if month is None:
        months = selectors.months_built(user=request.user, region=region)
        month = months[0] if months else first_of_month(dt.date.today())
    return region, month


@login_required
def monthly_xlsx_download(request: AuthedRequest) -> HttpResponse:
    region, month = _export_args(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = exports.monthly_xlsx(region=region, month=month, path=Path(tmp) / "m.xlsx", user=request.user)
        data = path.read_bytes()
    name = quote(f"月报表_{region.name}_{month:%Y-%m}.xlsx")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def monthly_pdf_download(request: AuthedRequest) -> HttpResponse:
    region, month = _export_args(request)
    response = HttpResponse(
        exports.monthly_pdf(region=region, month=month, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f"inline; filename*=UTF-8''{quote(f'月度统计报告_{region.name}_{month:%Y-%m}.pdf')}"
    )
    return response
