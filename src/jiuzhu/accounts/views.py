from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.forms import LoginForm, UserCreateForm
from jiuzhu.accounts.models import Capability
from jiuzhu.accounts.selectors import users_visible
from jiuzhu.accounts.services import user_create
from jiuzhu.core.audit import audit_record
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.models import AuditAction
from jiuzhu.regions.selectors import regions_visible


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.get_user()
        audit_record(actor=user, action=AuditAction.LOGIN, object_type="user", object_id=user.pk)
        return response


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    if not actor.has_capability(Capability.MANAGE_USERS):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, regions=regions_visible(user=actor))
    if request.method == "POST" and form.is_valid():
        try:
            user_create(
                actor=actor,
                password=form.cleaned_data["password"],
                **{k: form.cleaned_data[k] for k in ("username", "full_name", "role", "region", "can_reveal_pii")},
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("已新增用户 %(u)s") % {"u": form.cleaned_data["username"]})
            return redirect("accounts:users")
    # `now` tells a locked account (locked_until in the future) from an active one.
    context = {"users": users_visible(user=actor), "form": form, "now": timezone.now()}
    return render(request, "accounts/users.html", context)
