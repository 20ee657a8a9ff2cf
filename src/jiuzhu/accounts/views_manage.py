"""Account management: a user's own password; for the county admin, one account's page (reset its password,
deactivate or restore it, revoke its API tokens). Thin: the work is in accounts.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts import services
from jiuzhu.accounts.forms import DeactivateForm, PasswordChangeForm, PasswordResetForm
from jiuzhu.accounts.models import ApiToken, Capability
from jiuzhu.accounts.selectors import users_visible
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_change_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            _errors_to_new_password(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session goes on; the others end
            messages.success(request, _("密码已修改"))
            return redirect("core:home")
    tokens = request.user.api_tokens.order_by("-created_at")
    return render(request, "accounts/password.html", {"form": form, "tokens": tokens})


def _errors_to_new_password(form: PasswordChangeForm | PasswordResetForm, exc: ValidationError) -> None:
    """Django's password validators raise without a field: their messages belong under 新密码."""
    if hasattr(exc, "error_dict"):
        form_add_errors(form, exc)
    else:
        for message in exc.messages:
            form.add_error("new_password", message)


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.has_capability(Capability.MANAGE_USERS):
        raise PermissionDenied
    user = get_object_or_404(users_visible(user=request.user), pk=pk)
    reset = PasswordResetForm(request.POST if request.POST.get("action") == "reset" else None)
    deactivate = DeactivateForm(request.POST if request.POST.get("action") == "deactivate" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reset" and reset.is_valid():
                services.user_reset_password(
                    actor=request.user, user=user, new_password=reset.cleaned_data["new_password"]
                )
                told = _("已重置 %(u)s 的密码，请当面告知本人并提醒其立即修改") % {"u": user.username}
                messages.success(request, told)
                return redirect("accounts:user", pk=user.pk)
            if request.POST.get("action") == "deactivate" and deactivate.is_valid():
                services.user_set_active(
                    actor=request.user, user=user, active=False, reason=deactivate.cleaned_data["reason"]
                )
                messages.success(request, _("已停用账号 %(u)s，其接口令牌已全部吊销") % {"u": user.username})
                return redirect("accounts:user", pk=user.pk)
            if request.POST.get("action") == "activate":
                services.user_set_active(actor=request.user, user=user, active=True)
                messages.success(request, _("已恢复账号 %(u)s") % {"u": user.username})
                return redirect("accounts:user", pk=user.pk)
        except ValidationError as exc:
            if request.POST.get("action") == "reset":
                _errors_to_new_password(reset, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
    context = {
        "managed": user,
        "reset": reset,
        "deactivate": deactivate,
        "tokens": user.api_tokens.order_by("-created_at"),
        "is_self": user.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user__region"), pk=pk)
    mine = token.user_id == request.user.pk
    if not mine and not (
        request.user.has_capability(Capability.MANAGE_USERS)
        and users_visible(user=request.user).filter(pk=token.user_id).exists()
    ):
        raise PermissionDenied
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("已吊销接口令牌「%(n)s」") % {"n": token.name})
    if mine:
        return redirect("accounts:password")
    return redirect("accounts:user", pk=token.user_id)
