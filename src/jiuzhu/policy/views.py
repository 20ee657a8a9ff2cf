from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.policy import selectors, services
from jiuzhu.policy.forms import ParameterAddForm
from jiuzhu.policy.rules import PROGRAMS, ParameterError
from jiuzhu.policy.rules.catalogue import PERIODICITY_LABELS, UNIT_LABELS
from jiuzhu.registry.models import Household


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, form: ParameterAddForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    can_manage = user.has_capability(Capability.MANAGE_PARAMETERS)
    region = user.region
    today = dt.date.today()
    programs = [
        {"p": p, "unit": UNIT_LABELS[p.unit], "periodicity": PERIODICITY_LABELS[p.periodicity]} for p in PROGRAMS
    ]
    return render(
        request,
        "policy/parameters.html",
        {
            "rows": selectors.parameter_table(region=region, date=today) if region else [],
            "region": region,
            "today": today,
            "programs": programs,
            "can_manage": can_manage,
            "form": form if form is not None else (ParameterAddForm() if can_manage else None),
        },
        status=status,
    )


@login_required
def parameters(request: HttpRequest) -> HttpResponse:
    """Any signed-in user may read the standards in force; only the county admin may add values."""
    return _page(request)


@login_required
@require_POST
def parameter_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_capability(Capability.MANAGE_PARAMETERS) or user.region is None:
        raise PermissionDenied
    form = ParameterAddForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        services.parameter_add(actor=user, region=user.region, **form.cleaned_data)
    except ValidationError as exc:
        for fld, errs in exc.message_dict.items():
            form.add_error(fld if fld in form.fields else None, errs)
        return _page(request, form, status=400)
    messages.success(request, _("已保存：自 %(date)s 起执行新取值") % {"date": form.cleaned_data["effective_from"]})
    return redirect("policy:parameters")


def household_panel(request: HttpRequest, household: Household) -> str:
    """The eligibility section of the household page (registered in PolicyConfig.ready)."""
    today = dt.date.today()
    try:
        result = selectors.household_evaluation(household=household, date=today)
        error = ""
    except ParameterError as exc:
        result, error = None, str(exc)
    return render_to_string(
        "policy/_household_panel.html", {"result": result, "error": error, "today": today}, request=request
    )
