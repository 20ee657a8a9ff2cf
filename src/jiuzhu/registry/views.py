from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.models import Capability
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.pagination import CappedPaginator
from jiuzhu.core.scope import prefix_q
from jiuzhu.regions.selectors import child_regions, villages_visible
from jiuzhu.registry import selectors, services
from jiuzhu.registry.forms import HouseholdCreateForm, HouseholdForm, PersonForm
from jiuzhu.registry.models import Household, Relation

PAGE_SIZE = 25
SEARCH_COLUMNS = selectors.SEARCH_COLUMNS


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    query = selectors.SearchQuery(text=request.GET.get("q", ""), region=request.GET.get("region", ""))
    page = None
    if query.text or query.region:
        # Only the columns the results show, by queries compiled once per process (registry.selectors).
        rows = selectors.person_search_rows(user=user, query=query, per_page=PAGE_SIZE)
        matches: Any = rows
        if rows is None:
            matches = selectors.person_search(user=user, query=query).only(*SEARCH_COLUMNS)
        page = CappedPaginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "registry/_search_results.html" if request.headers.get("HX-Request") else "registry/search.html"
    return render(request, template, {"page": page, "query": query, "areas": child_regions(user=user)})


@login_required
def household_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    qs = selectors.households_visible(user=user).select_related("region")
    region = request.GET.get("region", "").strip()
    if region.isdigit():
        qs = qs.filter(prefix_q(region))
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(head_name__startswith=text) if not text.isdigit() else qs.filter(number__startswith=text)
    page = Paginator(qs.order_by("number"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/household_list.html",
        {
            "page": page,
            "areas": child_regions(user=user),
            "region": region,
            "q": text,
            "can_export": user.has_capability(Capability.EXPORT_REGISTRY),
            "can_edit": user.has_capability(Capability.EDIT_REGISTRY),
        },
    )


@login_required
def household_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.has_capability(Capability.EDIT_REGISTRY):
        raise PermissionDenied
    form = HouseholdCreateForm(request.POST or None, villages=villages_visible(user=user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        head = services.MemberInput(name=data["head_name"], id_number=data["head_id_number"], relation=Relation.SELF)
        try:
            household = services.household_register(
                actor=user,
                village=data["village"],
                members=[head],
                phone=data["phone"],
                bank_account=data["bank_account"],
                **{k: data[k] for k in services.HOUSEHOLD_FIELDS},
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "id_number" in exc.error_dict:
                exc = ValidationError({"head_id_number": exc.error_dict.pop("id_number"), **exc.error_dict})
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已登记家庭 %(n)s，请继续增加家庭成员") % {"n": household.number})
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_create.html", {"form": form})


@login_required
def household_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get(user=user, pk=pk)
    members = list(selectors.household_members(household=household))
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "history": selectors.household_history(household=household, members=members),
            "can_edit": user.has_capability(Capability.EDIT_REGISTRY),
            "panels": household_panels(request, household),
        },
    )


def household_panels(request: HttpRequest, household: Household) -> list[str]:
    """Sections other apps add to the household page (eligibility, cases, payments…), rendered HTML."""
    from jiuzhu.registry.panels import render_panels

    return render_panels(request, household)


@login_required
def household_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get(user=user, pk=pk)
    if not user.has_capability(Capability.EDIT_REGISTRY):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, instance=Household.objects.get(pk=household.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.HOUSEHOLD_FIELDS}
        try:
            services.household_update(
                actor=user,
                household=household,
                phone=form.cleaned_data["phone"] or None,
                bank_account=form.cleaned_data["bank_account"] or None,
                **data,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/form.html", {"form": form, "household": household, "title": _("修改家庭信息")})


@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    if not user.has_capability(Capability.EDIT_REGISTRY):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=selectors.person_get(user=user, pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.PLAIN_PERSON_FIELDS} | form.secret_changes()
        try:
            services.person_update(actor=user, person=person, id_number=form.cleaned_data["id_number"] or None, **data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("registry:household_detail", pk=person.household_id)
    return render(
        request,
        "registry/form.html",
        {"form": form, "household": person.household, "title": _("修改成员：%(n)s") % {"n": person.name}},
    )


@login_required
def person_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get(user=user, pk=pk)
    if not user.has_capability(Capability.EDIT_REGISTRY):
        raise PermissionDenied
    form = PersonForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        plain = {k: form.cleaned_data[k] for k in services.PLAIN_PERSON_FIELDS if k not in ("name", "relation")}
        fields = plain | form.secret_changes()
        member = services.MemberInput(
            name=form.cleaned_data["name"],
            id_number=form.cleaned_data["id_number"],
            relation=form.cleaned_data["relation"],
            fields=fields,
        )
        try:
            services.person_add(actor=user, household=household, member=member)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("已增加成员"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/form.html", {"form": form, "household": household, "title": _("增加家庭成员")})


def _reveal_response(value: str) -> HttpResponse:
    return HttpResponse(format_html('<span class="revealed">{}</span>', value))


@login_required
@require_POST
def person_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    if ("person", field) not in services.REVEALABLE:
        raise Http404
    return _reveal_response(services.pii_reveal(actor=user, obj=person, field_name=field))


@login_required
@require_POST
def household_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    user = request.user
    household = selectors.household_get(user=user, pk=pk)
    if field not in ("phone", "bank_account"):
        raise PermissionDenied
    return _reveal_response(services.pii_reveal(actor=user, obj=household, field_name=field))
