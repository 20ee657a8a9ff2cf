"""The household page's "cases and entitlements" section (registered with registry.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.models import Review, ReviewOutcome
from jiuzhu.cases.selectors import may_propose_stop
from jiuzhu.payments.selectors import entitlements_of_household
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import register_panel, render_panel


def cases_panel(request: HttpRequest, household: Household) -> str:
    user = request.user
    waiting = Review.objects.filter(entitlement__household=household, outcome=ReviewOutcome.PENDING).exclude(
        proposed_outcome=""
    )
    return render_panel(
        request,
        "cases/_panel.html",
        {
            "household": household,
            "entitlements": entitlements_of_household(household=household),
            "cases": household.cases.order_by("-id")[:20],
            "can_apply": user.has_capability(Capability.SUBMIT_CASE),  # type: ignore[union-attr]
            "can_propose_stop": may_propose_stop(user=user),
            # The proposals waiting for the county, by entitlement: a tag instead of a second 申请停保.
            "proposed": {r.entitlement_id: r for r in waiting},
        },
    )


register_panel(30, cases_panel)
