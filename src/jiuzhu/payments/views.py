"""资金发放: payroll list, generation, detail with the month-over-month comparison, maker-checker steps,
lines and the village rosters. Thin: the work is in services.payroll and selectors."""

from __future__ import annotations

import dataclasses
import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.pii import mask_name
from jiuzhu.core.scope import in_scope, prefix_q
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.payments import selectors, services
from jiuzhu.payments.forms import PayrollGenerateForm
from jiuzhu.payments.models import LineKind, Payroll, PayrollJob, PayrollStatus
from jiuzhu.payments.progress import job_progress_read
from jiuzhu.payments.services.oneoff import FUND_PAYEE
from jiuzhu.payments.services.payroll import fen_to_yuan
from jiuzhu.payments.tasks import payroll_generate_job
from jiuzhu.payments.templatetags.payments_tags import program_label
from jiuzhu.payments.views_recompute import recompute_result_page
from jiuzhu.regions.models import Level, Region

PAGE_SIZE = 50


def _require(user: User, capability: Capability) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _may(user: User, payroll: Payroll) -> dict[str, bool]:
    """Which buttons this user sees: the services check the same again."""
    own = payroll.generated_by_id == user.pk
    mine = in_scope(user, payroll.region_code)
    return {
        "check": mine
        and not own
        and payroll.status == PayrollStatus.DRAFT
        and user.has_capability(Capability.CHECK_PAYROLL),
        "approve": mine
        and not own
        and payroll.status == PayrollStatus.CHECKED
        and user.has_capability(Capability.APPROVE_PAYROLL),
        "discard": mine and payroll.status == PayrollStatus.DRAFT and user.has_capability(Capability.GENERATE_PAYROLL),
        # The bank file of an approved payroll, and the bank's return of an exported one.
        "bank": mine
        and payroll.status in (PayrollStatus.APPROVED, PayrollStatus.EXPORTED, PayrollStatus.RECONCILED)
        and user.has_capability(Capability.EXPORT_BANK_FILE),
    }


@login_required
def payroll_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_PAYROLL)
    page = Paginator(selectors.payrolls_visible(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    form = PayrollGenerateForm(user=user) if user.has_capability(Capability.GENERATE_PAYROLL) else None
    rows = selectors.payroll_rows(user=user, payrolls=list(page))
    return render(request, "payments/payroll_list.html", {"page": page, "rows": rows, "form": form})


@login_required
@require_POST
def payroll_generate(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.GENERATE_PAYROLL)
    form = PayrollGenerateForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("payments:list")
    d = form.cleaned_data
    job = PayrollJob.objects.create(
        user=user,
        region=d["region"],
        region_code=d["region"].code,
        month=d["month"].replace(day=1),
        program=d["program"] or "",
    )
    # A background job (django-tasks): in a deployment `jiuzhu db_worker` runs it and the job page follows
    # it. Enqueuing twice is harmless: the second run finds the payroll and adds nothing.
    payroll_generate_job.enqueue(job.pk)
    return redirect("payments:job", pk=job.pk)


def _job_of(request: AuthedRequest, pk: int) -> PayrollJob:
    return get_object_or_404(PayrollJob.objects.select_related("region"), pk=pk, user=request.user)


def _job_done_url(job: PayrollJob) -> str:
    if job.status != PayrollJob.Status.DONE:
        return ""
    if job.kind == PayrollJob.Kind.GENERATE and job.payroll_id is not None:
        return reverse("payments:detail", args=[job.payroll_id])
    return reverse("payments:job", args=[job.pk])


@login_required
def payroll_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A background job's page: its progress while it runs (the page polls job_progress), then the payroll
    it generated, or what the 提标 apply did."""
    job = _job_of(request, pk)
    if job.status == PayrollJob.Status.DONE and job.kind == PayrollJob.Kind.GENERATE and job.payroll_id is not None:
        messages.success(request, _("发放批次已生成"))
        return redirect("payments:detail", pk=job.payroll_id)
    if job.status == PayrollJob.Status.DONE and job.kind == PayrollJob.Kind.RECOMPUTE:
        return recompute_result_page(request, job)
    percent, stage = job_progress_read(job)
    running = job.status in (PayrollJob.Status.QUEUED, PayrollJob.Status.RUNNING)
    context = {"job": job, "percent": percent, "stage": stage, "running": running}
    return render(request, "payments/payroll_job.html", context)


@login_required
def payroll_job_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    """What the job page polls: status, percent, stage, and where to go once done."""
    job = _job_of(request, pk)
    percent, stage = job_progress_read(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "percent": percent,
            "stage": stage,
            "message": job.message,
            "done_url": _job_done_url(job),
        }
    )


@login_required
def payroll_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_PAYROLL)
    payroll = selectors.payroll_get(user=user, pk=pk)
    count, total = selectors.payroll_totals(user=user, payroll=payroll)
    rows = selectors.payroll_compare(user=user, payroll=payroll)
    fund_count, fund_total = selectors.payroll_fund_totals(user=user, payroll=payroll)
    villages = Region.objects.filter(
        prefix_q(payroll.region.prefix, "code"), prefix_q(user.scope_prefix or "-", "code"), level=Level.VILLAGE
    ).order_by("code")
    return render(
        request,
        "payments/payroll_detail.html",
        {
            "payroll": payroll,
            "count": count,
            "total": total,
            "rows": rows,
            "fund": {"count": fund_count, "total": fund_total, "payee": FUND_PAYEE},
            "sums": {
                field: sum(getattr(r, field) for r in rows)
                for field in [
                    f.name for f in dataclasses.fields(selectors.TownshipDiff) if f.name.endswith(("_fen", "_count"))
                ]
                + ["diff_fen"]
            },
            "may": _may(user, payroll),
            "villages": villages,
            "collections": selectors.payroll_collections(user=user, payroll=payroll),
        },
    )


@login_required
@require_POST
def payroll_step(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    payroll = selectors.payroll_get(user=user, pk=pk)
    try:
        if action == "check":
            services.payroll_check(actor=user, payroll=payroll)
            messages.success(request, _("已复核"))
        elif action == "approve":
            services.payroll_approve(actor=user, payroll=payroll)
            messages.success(request, _("已审批"))
        elif action == "discard":
            services.payroll_discard(actor=user, payroll=payroll)
            messages.success(request, _("发放批次已作废，可重新生成"))
            return redirect("payments:list")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return redirect("payments:detail", pk=payroll.pk)


@login_required
def payroll_lines(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_PAYROLL)
    payroll = selectors.payroll_get(user=user, pk=pk)
    qs = selectors.payroll_lines_visible(user=user, payroll=payroll).order_by("region_code", "household__number", "id")
    village = request.GET.get("village", "")
    kind = request.GET.get("kind", "")
    number = request.GET.get("q", "").strip()
    if village.isdigit():
        qs = qs.filter(region_code=village)
    if kind in LineKind.values:
        qs = qs.filter(kind=kind)
    if number:
        qs = qs.filter(household__number__startswith=number)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/payroll_lines.html",
        {"payroll": payroll, "page": page, "kinds": LineKind.choices, "kind": kind, "q": number},
    )


@login_required
def payroll_roster(request: AuthedRequest, pk: int, village: str) -> FileResponse:
    """发放花名册 of one village, for signature and posting: names masked as a public notice requires."""
    user = request.user
    _require(user, Capability.VIEW_PAYROLL)
    payroll = selectors.payroll_get(user=user, pk=pk)
    region = Region.objects.filter(code=village, level=Level.VILLAGE).first()
    if (
        region is None
        or not village.startswith(payroll.region.prefix)
        or not village.startswith(user.scope_prefix or "-")
    ):
        raise Http404
    lines = list(
        selectors.payroll_lines_visible(user=user, payroll=payroll)
        .filter(region_code=village)
        .exclude(kind=LineKind.INSURANCE)  # paid to the insurance fund, nothing for the household to sign
        .order_by("household__number", "program", "service_month", "kind")
    )
    rows: list[tuple[object, ...]] = [
        (
            i,
            ln.household.number,
            mask_name(ln.payee_name),
            program_label(ln.program),
            ln.get_kind_display(),
            f"{ln.service_month:%Y-%m}",
            fen_to_yuan(ln.amount_fen),
            "",
        )
        for i, ln in enumerate(lines, 1)
    ]
    # The printed total is the sum of the printed lines, in fen.
    rows.append(("", _("合计"), "", "", "", "", fen_to_yuan(sum(ln.amount_fen for ln in lines)), ""))
    header = [_("序号"), _("户编号"), _("收款人"), _("救助项目"), _("类别"), _("所属月份"), _("金额（元）"), _("签名")]
    filename = f"发放花名册-{payroll.month:%Y%m}-{region.name}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "roster.xlsx", header, rows, title=f"{payroll.month:%Y-%m}")
        data = path.read_bytes()
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)
