"""Dynamic management (动态管理) pages: the list of reviews, one review with the township's finding or proposal
and the county's decision on it, and the township's 申请停保 of a running entitlement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import deadlines, documents, engine, forms, selectors, services
from jiuzhu.cases.models import Review, ReviewOutcome
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.payments import selectors as payment_selectors
from jiuzhu.payments.models import EntitlementStatus, add_months, first_of_month

PAGE_SIZE = 25


@login_required
def review_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    qs = selectors.reviews_visible(user=request.user).filter(outcome="").order_by("due_date")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/review_list.html",
        {"page": page, "today": today, "month_end": add_months(first_of_month(today), 1)},
    )


def review_actions(user: User, review: Review) -> dict[str, bool]:
    """What this user may do on this review now: exactly what the services accept."""
    may_record = user.has_capability(Capability.REVIEW_ENTITLEMENT)
    may_decide = user.has_capability(Capability.CONFIRM_CASE)
    return {
        "record": may_record and review.is_open and not review.is_proposed,
        # The county records any outcome itself; the township records 继续享受 and proposes the others.
        "proposes": may_record and not may_decide,
        "decide": may_decide and review.is_proposed and review.proposed_by_id != user.pk,
        # The township that proposed may take its proposal back until the county decides.
        "withdraw": may_record and not may_decide and review.is_open and review.is_proposed,
    }


@login_required
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    review = selectors.review_get(user=user, pk=pk)
    today = timezone.localdate()
    can = review_actions(user, review)
    action = request.POST.get("action", "record") if request.method == "POST" else ""
    longest = deadlines.months("review.months.gradual_exit_max", region_code=review.region_code, on=today)
    form = forms.ReviewForm(
        request.POST if action == "record" else None, max_exit_months=longest, proposes=can["proposes"]
    )
    return_form = forms.ReviewReturnForm(request.POST if action == "return" else None, prefix="return")
    withdraw_form = forms.ReviewWithdrawForm(request.POST if action == "withdraw" else None, prefix="withdraw")
    if action:
        needed = {"approve": "decide", "return": "decide", "withdraw": "withdraw"}.get(action, "record")
        if not can[needed]:
            raise PermissionDenied
        done = _review_post(request, review, action, form, return_form, withdraw_form, proposes=can["proposes"])
        if done:
            messages.success(request, done)
            return redirect("cases:review", pk=review.pk)
    computed = services.engine_for_review(review=review, on=today) if review.is_open else None
    context: dict[str, Any] = {
        "review": review,
        "form": form,
        "return_form": return_form,
        "withdraw_form": withdraw_form,
        "can": can,
        "computed": computed,
        "events": review.events.select_related("actor"),
        "program_name": engine.program_name(review.entitlement.program),
    }
    return render(request, "cases/review_detail.html", context)


def _review_post(
    request: AuthedRequest,
    review: Review,
    action: str,
    form: forms.ReviewForm,
    return_form: forms.ReviewReturnForm,
    withdraw_form: forms.ReviewWithdrawForm,
    *,
    proposes: bool,
) -> str:
    """Runs the posted action; the success message, or "" with the errors on the form."""
    user = request.user
    target = {"return": return_form, "withdraw": withdraw_form}.get(action, form)
    try:
        if action == "withdraw":
            if withdraw_form.is_valid():
                services.review_withdraw(actor=user, review=review, reasons=withdraw_form.cleaned_data["reasons"])
                return _("已撤回提请")
            return ""
        if action == "approve":
            services.review_approve(actor=user, review=review)
            return _("已审批同意，自下月起执行")
        if action == "return":
            if return_form.is_valid():
                services.review_return(actor=user, review=review, reasons=return_form.cleaned_data["reasons"])
                return _("已退回乡镇")
            return ""
        if not form.is_valid():
            return ""
        d = form.cleaned_data
        args = {
            "outcome": d["outcome"],
            "reasons": d["reasons"],
            "new_amount": d["new_amount"],
            "exit_months": d["exit_months"],
        }
        if proposes and d["outcome"] != ReviewOutcome.CONTINUE:
            services.review_propose(actor=user, review=review, **args)
            return _("已提请县级审批")
        services.review_record(actor=user, review=review, **args)
        return _("已记录复核结果")
    except ValidationError as exc:
        form_add_errors(target, exc)
        return ""


@login_required
def review_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    if review.is_open:
        raise Http404
    return HttpResponse(
        documents.review_notice_pdf(review),
        content_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''review-{review.pk}.pdf"},
    )


@login_required
def entitlement_stop_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    """申请停保: the township proposes to stop a running entitlement outside a scheduled review."""
    user = request.user
    entitlement = payment_selectors.entitlement_get(user=user, pk=pk)
    if not selectors.may_propose_stop(user=user):
        raise PermissionDenied
    if entitlement.status == EntitlementStatus.STOPPED:
        raise Http404
    form = forms.StopProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.entitlement_stop_propose(
                actor=user, entitlement=entitlement, reasons=form.cleaned_data["reasons"]
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已提请县级审批停保"))
            return redirect("cases:review", pk=review.pk)
    return render(
        request,
        "cases/stop_propose.html",
        {"entitlement": entitlement, "form": form, "program_name": engine.program_name(entitlement.program)},
        status=422 if form.errors else 200,
    )
