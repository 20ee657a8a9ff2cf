"""慈善救助 pages: donations, donors, campaigns, funds and their ledger, disbursements with their approval,
needs, and the account as the public sees it. Thin: the rules are in services, the reads in selectors."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.charity import forms, selectors, services
from jiuzhu.charity.models import (
    CATEGORIES,
    DisbursementStatus,
    DonationKind,
    NeedStatus,
    Purpose,
)
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.registry.selectors import household_get

PAGE_SIZE = 50


def _require(user: User, capability: Capability) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def _page(request: AuthedRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _xlsx(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> FileResponse:
    with tempfile.TemporaryDirectory() as tmp:
        data = write_xlsx(Path(tmp) / "export.xlsx", header, rows, title=filename[:30]).read_bytes()
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{filename}.xlsx")


def _year(request: AuthedRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    return render(
        request,
        "charity/home.html",
        {
            "funds": selectors.funds_visible(user=user).filter(need__isnull=True),
            "need_funds": selectors.funds_visible(user=user).filter(need__isnull=False, balance__gt=0),
            "pending": selectors.pending_approvals(user=user)[:20],
            "account": selectors.public_account(region_prefix=user.scope_prefix or "-"),
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
        },
    )


# Donations and donors ------------------------------------------------------------------------------------


@login_required
def donation_list(request: AuthedRequest) -> HttpResponse | FileResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    qs = selectors.donations_visible(user=user).order_by("-received_on", "-id")
    purpose, kind, campaign = (
        request.GET.get("purpose", ""),
        request.GET.get("kind", ""),
        request.GET.get("campaign", ""),
    )
    if purpose in Purpose.values:
        qs = qs.filter(purpose=purpose)
    if kind in DonationKind.values:
        qs = qs.filter(kind=kind)
    if campaign.isdigit():
        qs = qs.filter(campaign_id=int(campaign))
    if request.GET.get("export") == "xlsx":
        header = [_("收据编号"), _("捐赠日期"), _("捐赠人"), _("捐赠形式"), _("金额或折价（元）"), _("物资")]
        header += [_("定向用途"), _("募捐活动"), _("定向需求")]
        rows = (
            (d.receipt_number, d.received_on, d.donor.name if d.donor else "", d.get_kind_display(), d.amount,
             d.goods_description, d.get_purpose_display(), d.campaign.name if d.campaign else "",
             d.need.title if d.need else "")
            for d in qs
        )  # fmt: skip
        return _xlsx(_("捐赠明细"), header, rows)
    return render(
        request,
        "charity/donation_list.html",
        {
            "page": _page(request, qs),
            "purposes": Purpose.choices,
            "kinds": DonationKind.choices,
            "campaigns": selectors.campaigns_visible(user=user),
            "purpose": purpose,
            "kind": kind,
            "campaign": campaign,
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
        },
    )


@login_required
def donation_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_CHARITY)
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    if (need := request.GET.get("need", "")).isdigit():
        initial["need"] = int(need)
    if (campaign := request.GET.get("campaign", "")).isdigit():
        initial["campaign"] = int(campaign)
    form = forms.DonationForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.donation_record(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已登记捐赠，收据编号 %(r)s") % {"r": donation.receipt_number})
            return redirect("charity:donations")
    return _form_page(request, form, _("登记捐赠"), "charity:donations")


def _form_page(request: AuthedRequest, form: Any, title: str, back: str, hint: str = "") -> HttpResponse:
    return render(
        request,
        "charity/form.html",
        {"form": form, "title": title, "back": back, "hint": hint},
        status=422 if form.errors else 200,
    )


@login_required
def donor_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    form = forms.DonorForm(request.POST or None)
    if request.method == "POST":
        _require(user, Capability.MANAGE_CHARITY)
        if form.is_valid():
            try:
                services.donor_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("已登记捐赠人"))
                return redirect("charity:donors")
    qs = selectors.donors_with_totals(user=user).order_by("name", "id")
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(name__icontains=text)
    return render(
        request,
        "charity/donor_list.html",
        {
            "page": _page(request, qs),
            "form": form,
            "q": text,
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
            "can_reveal": user.can_reveal_pii,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def donor_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    donor = selectors.donor_get(user=user, pk=pk)
    phone = services.donor_phone_reveal(actor=user, donor=donor)
    return HttpResponse(format_html('<span class="revealed">{}</span>', phone))


# Campaigns -------------------------------------------------------------------------------------------------


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST":
        _require(user, Capability.MANAGE_CHARITY)
        if form.is_valid():
            try:
                services.campaign_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("已登记募捐活动"))
                return redirect("charity:campaigns")
    account = selectors.public_account(year=_year(request), region_prefix=user.scope_prefix or "-")
    return render(
        request,
        "charity/campaign_list.html",
        {
            "campaigns": account.campaigns,
            "year": account.year,
            "form": form,
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
        },
        status=422 if form.errors else 200,
    )


# Funds and their ledger -----------------------------------------------------------------------------------


@login_required
def fund_detail(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    fund = selectors.fund_get(user=user, pk=pk)
    entries = fund.entries.select_related("donation", "disbursement").order_by("-id")
    if request.GET.get("export") == "xlsx":
        header = [_("日期"), _("类别"), _("金额（元）"), _("余额（元）"), _("收据或支出编号")]
        rows = (
            (e.on, e.get_kind_display(), e.amount, e.balance_after,
             e.donation.receipt_number if e.donation else (e.disbursement.number if e.disbursement else ""))
            for e in entries.order_by("id")
        )  # fmt: skip
        return _xlsx(_("资金明细"), header, rows)
    return render(request, "charity/fund_detail.html", {"fund": fund, "page": _page(request, entries)})


# Disbursements --------------------------------------------------------------------------------------------


@login_required
def disbursement_list(request: AuthedRequest) -> HttpResponse | FileResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    qs = selectors.disbursements_visible(user=user).order_by("-proposed_on", "-id")
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    if status in DisbursementStatus.values:
        qs = qs.filter(status=status)
    if category in Purpose.values:
        qs = qs.filter(category=category)
    if request.GET.get("export") == "xlsx":
        header = [_("支出编号"), _("户编号"), _("受助人"), _("村（社区）"), _("救助类别"), _("金额（元）")]
        header += [_("状态"), _("提出日期"), _("审批日期"), _("发放日期"), _("救助事由")]
        rows = (
            (d.number, d.household.number, d.recipient_name, d.household.region.name, d.get_category_display(),
             d.amount, d.get_status_display(), d.proposed_on, d.decided_on, d.paid_on, d.reason)
            for d in qs
        )  # fmt: skip
        return _xlsx(_("慈善支出"), header, rows)
    return render(
        request,
        "charity/disbursement_list.html",
        {
            "page": _page(request, qs),
            "statuses": DisbursementStatus.choices,
            "categories": [(p.value, p.label) for p in CATEGORIES],
            "status": status,
            "category": category,
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
        },
    )


@login_required
def disbursement_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_CHARITY)
    initial: dict[str, Any] = {}
    if (pk := request.GET.get("household", "")).isdigit():
        initial["household"] = household_get(user=user, pk=int(pk)).number
    if (need_pk := request.GET.get("need", "")).isdigit():
        need = selectors.need_get(user=user, pk=int(need_pk))
        initial.update(household=need.household.number, need=need.pk, category=need.purpose)
    form = forms.DisbursementForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.disbursement_propose(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已提出慈善支出 %(n)s，待县级审批") % {"n": d.number})
            return redirect("charity:disbursement", pk=d.pk)
    return _form_page(
        request, form, _("提出慈善支出"), "charity:disbursements", _("金额从所选资金中支出；审批通过时扣减余额。")
    )


def _may(user: User, d: Any) -> dict[str, bool]:
    """Which buttons this user sees: the services check the same again."""
    pending = d.status == DisbursementStatus.PROPOSED
    decide = pending and user.has_capability(Capability.APPROVE_CHARITY) and d.proposed_by_id != user.pk
    return {
        "approve": decide,
        "refuse": decide,
        "pay": d.status == DisbursementStatus.APPROVED and user.has_capability(Capability.MANAGE_CHARITY),
    }


@login_required
def disbursement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    d = selectors.disbursement_get(user=user, pk=pk)
    return render(
        request,
        "charity/disbursement_detail.html",
        {
            "d": d,
            "may": _may(user, d),
            "refuse_form": forms.RefuseForm(),
            "pay_form": forms.PayForm(initial={"paid_on": timezone.localdate()}),
            "fund_label": services.fund_label(d.fund),
        },
    )


@login_required
@require_POST
def disbursement_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    d = selectors.disbursement_get(user=user, pk=pk)
    try:
        if action == "approve":
            services.disbursement_approve(actor=user, disbursement=d)
            messages.success(request, _("已批准，款项已从资金中扣减"))
        elif action == "refuse":
            services.disbursement_refuse(actor=user, disbursement=d, reason=request.POST.get("reason", ""))
            messages.success(request, _("已不予批准"))
        elif action == "pay":
            pay = forms.PayForm(request.POST)
            on: dt.date | None = pay.cleaned_data["paid_on"] if pay.is_valid() else None
            services.disbursement_pay(actor=user, disbursement=d, note=request.POST.get("note", ""), on=on)
            messages.success(request, _("已登记发放"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您的角色无权执行此操作"))
    return redirect("charity:disbursement", pk=d.pk)


# Needs ----------------------------------------------------------------------------------------------------


@login_required
def need_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    status = request.GET.get("status", "")
    qs = selectors.needs_visible(user=user)
    if status in NeedStatus.values:
        qs = qs.filter(status=status)
    page = _page(request, qs.order_by("-posted_on", "-id"))
    rows = zip(
        page, selectors.need_rows(qs.filter(pk__in=[n.pk for n in page]).order_by("-posted_on", "-id")), strict=True
    )
    return render(
        request,
        "charity/need_list.html",
        {
            "page": page,
            "rows": list(rows),
            "statuses": NeedStatus.choices,
            "status": status,
            "can_manage": user.has_capability(Capability.MANAGE_CHARITY),
        },
    )


@login_required
def need_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.MANAGE_CHARITY)
    initial: dict[str, Any] = {}
    if (pk := request.GET.get("household", "")).isdigit():
        initial["household"] = household_get(user=user, pk=int(pk)).number
    form = forms.NeedForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_post(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已发布求助需求"))
            return redirect("charity:needs")
    return _form_page(
        request,
        form,
        _("发布求助需求"),
        "charity:needs",
        _("标题和说明会在门户网站公开：只写需要什么，不写能认出这户人家的信息。"),
    )


@login_required
@require_POST
def need_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    need = selectors.need_get(user=user, pk=pk)
    try:
        services.need_close(actor=user, need=need)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("您的角色无权执行此操作"))
    else:
        messages.success(request, _("已关闭求助需求"))
    return redirect("charity:needs")


# The account as the public sees it -----------------------------------------------------------------------


@login_required
def account(request: AuthedRequest) -> HttpResponse | FileResponse:
    user = request.user
    _require(user, Capability.VIEW_CHARITY)
    year = _year(request)
    prefix = user.scope_prefix or "-"
    acc = selectors.public_account(year=year, region_prefix=prefix)
    paid = selectors.public_disbursements(year=year, region_prefix=prefix)
    if request.GET.get("export") == "xlsx":
        header = [_("月份"), _("捐赠收入（元）"), _("救助支出（元）")]
        rows: list[Sequence[object]] = [(f"{year}-{m.month:02d}", m.received, m.disbursed) for m in acc.by_month]
        rows.append((_("合计"), acc.received, acc.disbursed))
        rows += [("", "", ""), (_("用途"), _("收入"), _("支出"), _("年末余额"))]
        rows += [(p.label, p.received, p.disbursed, p.balance) for p in acc.by_purpose]
        rows += [("", "", ""), (_("受助人"), _("村（社区）"), _("救助类别"), _("金额（元）"), _("日期"))]
        rows += [(x.recipient, x.village, x.category_label, x.amount, x.on) for x in paid]
        return _xlsx(_("慈善收支公开 %(y)s") % {"y": year}, header, rows)
    return render(
        request,
        "charity/account.html",
        {"acc": acc, "paid": paid, "needs": selectors.public_needs(region_prefix=prefix), "year": year},
    )
