"""The reports app's section of the home page: the role's own few numbers for the newest month built."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from jiuzhu.accounts.models import Capability, User
from jiuzhu.reports import selectors
from jiuzhu.reports.dashboard import dashboard_build


def home_section(request: HttpRequest) -> str:
    user = request.user
    if not isinstance(user, User) or not user.has_capability(Capability.VIEW_REPORTS) or user.region is None:
        return ""
    region = user.region
    months = selectors.months_built(user=user, region=region)
    if not months:
        return ""
    board = dashboard_build(user=user, region=region, month=months[0], with_panels=False)
    return render_to_string("reports/_home.html", {"board": board}, request=request)
