"""在保对象名册: the page and its export. Thin: the reads are in selectors_recipients."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.accounts.models import Capability
from jiuzhu.core.audit import audit_record
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.models import AuditAction
from jiuzhu.core.tabular import write_csv, write_xlsx
from jiuzhu.payments.models import Entitlement, first_of_month
from jiuzhu.payments.selectors_recipients import (
    RecipientFilter,
    RecipientStatus,
    first_months,
    recipient_totals,
    recipients,
)
from jiuzhu.payments.templatetags.payments_tags import program_label
from jiuzhu.policy.programs import program_choices
from jiuzhu.regions.selectors import child_regions

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000


def _filter(request: AuthedRequest) -> RecipientFilter:
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = first_of_month(timezone.localdate())
    return RecipientFilter(
        month=month,
        status=request.GET.get("status", RecipientStatus.PAYING),
        program=request.GET.get("program", ""),
        region=request.GET.get("region", ""),
        text=request.GET.get("q", "")[:30],
    )


@login_required
def recipient_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    where = _filter(request)
    qs = recipients(user=user, where=where).order_by("household__number", "program")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows = list(page.object_list)
    began = first_months(rows)
    for e in rows:
        e.began = began[e.pk]  # the first link's start, for the template
    return render(
        request,
        "payments/recipients.html",
        {
            "page": page,
            "where": where,
            "totals": recipient_totals(qs),
            "statuses": RecipientStatus.CHOICES,
            "programs": program_choices(),
            "areas": child_regions(user=user),
            "can_export": user.has_capability(Capability.EXPORT_REGISTRY),
        },
    )


def _status_label(e: Entitlement, month: dt.date) -> str:
    if e.end_month is not None and e.end_month < month:
        return _("%(m)s 起停保") % {"m": f"{e.end_month:%Y-%m}"}
    if e.suspended_from is not None and e.suspended_from <= month:
        return _("暂停发放")
    if e.gradual_exit:
        return _("渐退期至 %(m)s") % {"m": f"{e.end_month:%Y-%m}" if e.end_month else "—"}
    return _("正常享受")


def _chunks(items: Iterator[Entitlement], size: int) -> Iterator[list[Entitlement]]:
    while chunk := list(islice(items, size)):
        yield chunk


HEADER = (
    gettext_lazy("户编号"),
    gettext_lazy("户主"),
    gettext_lazy("所属村（社区）"),
    gettext_lazy("救助项目"),
    gettext_lazy("保障人数"),
    gettext_lazy("月救助金额（元）"),
    gettext_lazy("起始月份"),
    gettext_lazy("状态"),
)


@login_required
def recipient_export(request: AuthedRequest, fmt: str) -> FileResponse:
    user = request.user
    if not user.has_capability(Capability.EXPORT_REGISTRY) or fmt not in ("xlsx", "csv"):
        raise PermissionDenied(_("您的角色无权导出名册"))
    where = _filter(request)
    qs = recipients(user=user, where=where).order_by("household__number", "program")[:EXPORT_LIMIT]
    rows = (
        (
            e.household.number,
            e.household.head_name,
            e.household.region.name,
            program_label(e.program),
            e.persons_count,  # type: ignore[attr-defined]  # annotated by recipients()
            e.monthly_amount,
            f"{began[e.pk]:%Y-%m}",
            _status_label(e, where.month),
        )
        for chunk in _chunks(qs.iterator(chunk_size=2000), 2000)
        for began in [first_months(chunk)]
        for e in chunk
    )
    header = [str(h) for h in HEADER]
    path = Path(tempfile.mkdtemp()) / f"recipients.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path, header, rows, title=_("在保对象名册"))
    else:
        write_csv(path, header, rows)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="entitlement",
        region_code=user.region.code if user.region else "",
        summary=_("导出在保对象名册（%(m)s，%(f)s）") % {"m": f"{where.month:%Y-%m}", "f": fmt},
    )
    filename = _("在保对象名册-%(m)s.%(f)s") % {"m": f"{where.month:%Y%m}", "f": fmt}
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
