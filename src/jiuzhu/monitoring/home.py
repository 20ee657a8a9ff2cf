"""The monitoring section of the home page: new red warnings no measure has answered, assessments due."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from jiuzhu.core.capabilities import Capability
from jiuzhu.monitoring.selectors import assessments_due, new_red_warnings


def home_section(request: HttpRequest) -> str:
    user = request.user
    if not user.has_capability(Capability.VIEW_MONITORING):  # type: ignore[union-attr]
        return ""
    reds = new_red_warnings(user=user)  # type: ignore[arg-type]
    due = assessments_due(user=user, on=timezone.localdate()).count()  # type: ignore[arg-type]
    context = {"reds": reds[:5], "red_count": reds.count(), "due": due}
    return render_to_string("monitoring/_home.html", context, request=request)
