"""The household page's "charity received" section (registered with registry.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.accounts.models import Capability
from jiuzhu.charity.selectors import household_charity
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import register_panel, render_panel


def charity_panel(request: HttpRequest, household: Household) -> str:
    user = request.user
    if not user.has_capability(Capability.VIEW_CHARITY):  # type: ignore[union-attr]
        return ""
    info = household_charity(household=household)
    if not info.disbursements and not info.needs and not user.has_capability(Capability.MANAGE_CHARITY):  # type: ignore[union-attr]
        return ""
    return render_panel(
        request,
        "charity/_panel.html",
        {"household": household, "info": info, "can_manage": user.has_capability(Capability.MANAGE_CHARITY)},  # type: ignore[union-attr]
    )


register_panel(60, charity_panel)
