"""The desk's section of the home page: what waits for this user, the overdue and the nearly due."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from jiuzhu.accounts.models import Capability, User
from jiuzhu.grievances.selectors import grievance_desk_counts


def home_section(request: HttpRequest) -> str:
    user = request.user
    if not isinstance(user, User):
        return ""
    if not user.has_capability(Capability.VIEW_GRIEVANCES):
        if user.has_capability(Capability.RECORD_GRIEVANCE):  # a village clerk records at the window only
            return render_to_string("grievances/_home.html", {"c": None}, request=request)
        return ""
    counts = grievance_desk_counts(user=user)
    return render_to_string("grievances/_home.html", {"c": counts}, request=request)
