"""The household page's monitoring section (registered with registry.panels in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.core.capabilities import Capability
from jiuzhu.monitoring.selectors import monitored_of_household
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import render_panel


def monitoring_panel(request: HttpRequest, household: Household) -> str:
    user = request.user
    if not user.has_capability(Capability.VIEW_MONITORING):  # type: ignore[union-attr]
        return ""
    monitored = monitored_of_household(user=user, household_id=household.pk)  # type: ignore[arg-type]
    return render_panel(request, "monitoring/_panel.html", {"monitored": monitored})
