from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jiuzhu.core.audit import audit_verify
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.models import AuditAction
from jiuzhu.core.navigation import home_sections
from jiuzhu.core.selectors import audit_search


def healthz(_request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The user's desk: each app's section (core.navigation), in the order they registered."""
    return render(request, "core/home.html", {"sections": home_sections(request)})


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_capability(Capability.VIEW_AUDIT):
        raise PermissionDenied
    g = request.GET
    qs = audit_search(
        user=request.user,
        action=g.get("action", ""),
        actor=g.get("actor", "").strip(),
        object_type=g.get("object_type", ""),
        date_from=_date(g.get("from")),
        date_to=_date(g.get("to")),
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(request, "core/audit.html", {"page": page, "actions": AuditAction.choices, "q": g})


@login_required
@require_POST
def audit_verify_view(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_capability(Capability.VIEW_AUDIT):
        raise PermissionDenied
    return render(request, "core/_verify_result.html", {"result": audit_verify()})
