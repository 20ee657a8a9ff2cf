from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.http import AuthedRequest
from jiuzhu.policy import selectors, services
from jiuzhu.policy.forms import ImpactForm, ParameterAddForm
from jiuzhu.policy.parameters import parameter_shown
from jiuzhu.policy.programs import program_rows
from jiuzhu.policy.rules import ParameterError
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import render_panel


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, form: ParameterAddForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    can_manage = user.has_capability(Capability.MANAGE_PARAMETERS)
    region = user.region
    today = timezone.localdate()
    return render(
        request,
        "policy/parameters.html",
        {
            "rows": selectors.parameter_table(region=region, date=today) if region else [],
            "region": region,
            "today": today,
            "programs": program_rows(),
            "can_manage": can_manage,
            "can_see_impact": user.has_capability(Capability.VIEW_IMPACT) and region is not None,
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGED_SHOWN = 200  # households listed on the page; the export has them all
CHANGES_SHOWN = 8  # dates of saved changes offered as links


@login_required
@require_GET
def impact(request: AuthedRequest) -> HttpResponse | FileResponse:
    """提标影响测算: every household in the user's region re-evaluated with a proposed value (?key, value,
    effective_from) or with a saved change (?date, against the day before). Reads only; ?format=xlsx
    exports the changed households."""
    user = request.user
    region = user.region
    if region is None or not user.has_capability(Capability.VIEW_IMPACT):
        raise PermissionDenied
    if "csrfmiddlewaretoken" in request.GET:
        # The 测算 button sends the add form by GET; a CSRF token does not belong in an address.
        query = request.GET.copy()
        del query["csrfmiddlewaretoken"]
        return redirect(f"{request.path}?{query.urlencode()}")
    changes = selectors.parameter_changes(region=region, until=timezone.localdate() + dt.timedelta(days=366))
    form = ImpactForm(request.GET)
    query = request.GET.copy()
    query.pop("format", None)
    context: dict[str, object] = {
        "form": form,
        "region": region,
        "changes": changes[:CHANGES_SHOWN],
        "can_manage": user.has_capability(Capability.MANAGE_PARAMETERS),
        "source": request.GET.get("source", ""),
        "query": query.urlencode(),
        "shown": CHANGED_SHOWN,
        "result": None,
        "error": "",
    }
    if not form.is_valid():
        return render(request, "policy/impact.html", context, status=400)
    proposal = form.proposal
    if proposal is not None:
        before = after = proposal.effective_from
        current = selectors.parameter_value(proposal.key, region, proposal.effective_from)
        # A rounding mode by its name; numbers stay Decimals for the template to format.
        context["current"] = parameter_shown(proposal.key, current) if isinstance(current, str) else current
    else:
        chosen: dt.date | None = form.cleaned_data.get("date") or (changes[0].date if changes else None)
        if chosen is None:
            return render(request, "policy/impact.html", context)
        before, after = chosen - dt.timedelta(days=1), chosen
        context["change_labels"] = next((c.labels for c in changes if c.date == chosen), [])
    try:
        result = selectors.reevaluation(region=region, before=before, after=after, proposed=proposal)
    except ParameterError as exc:
        context["error"] = str(exc)
        return render(request, "policy/impact.html", context)
    if request.GET.get("format") == "xlsx":
        return _impact_xlsx(user, result)
    context["result"] = result
    context["changed_shown"] = result.changed[:CHANGED_SHOWN]
    return render(request, "policy/impact.html", context)


def _impact_xlsx(user: User, result: selectors.Reevaluation) -> FileResponse:
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        rows = services.impact_export(actor=user, result=result, path=path)
        stream = path.open("rb")
    finally:
        # The open handle keeps the data readable while the response streams; the name goes now.
        path.unlink(missing_ok=True)
    filename = _("提标影响测算-%(r)s-%(d)s.xlsx") % {"r": result.region.prefix, "d": f"{result.after:%Y%m%d}"}
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)
    response["X-Export-Rows"] = str(rows)
    return response


def household_panel(request: HttpRequest, household: Household) -> str:
    """The eligibility section of the household page (registered in PolicyConfig.ready)."""
    today = timezone.localdate()
    try:
        result = services.evaluation_current(household=household, date=today)
        error = ""
    except ParameterError as exc:
        result, error = None, str(exc)
    return render_panel(request, "policy/_household_panel.html", {"result": result, "error": error, "today": today})
