"""The household page's "cases and entitlements" section (registered with registry.panels)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from jiuzhu.accounts.models import Capability
from jiuzhu.payments.selectors import entitlements_of_household
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import register_panel


def cases_panel(request: HttpRequest, household: Household) -> str:
    user = request.user
    return render_to_string(
        "cases/_panel.html",
        {
            "household": household,
            "entitlements": entitlements_of_household(household=household),
            "cases": household.cases.order_by("-id")[:20],
            "can_apply": user.has_capability(Capability.SUBMIT_CASE),  # type: ignore[union-attr]
        },
        request=request,
    )


register_panel(30, cases_panel)
