"""The household page's "cases and entitlements" section (registered with registry.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.models import Case, Review, ReviewOutcome
from jiuzhu.cases.selectors import may_propose_stop
from jiuzhu.core.prepared import prepared
from jiuzhu.payments.selectors import entitlements_of_household
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import register_panel, render_panel

# The panel's reads, compiled once per process (core.prepared): the household page shows it on every visit.
_waiting = prepared(
    lambda household_id: Review.objects.filter(
        entitlement__household_id=household_id, outcome=ReviewOutcome.PENDING
    ).exclude(proposed_outcome="")
)
_latest_cases = prepared(lambda household_id: Case.objects.filter(household_id=household_id).order_by("-id")[:20])


def cases_panel(request: HttpRequest, household: Household) -> str:
    user = request.user
    return render_panel(
        request,
        "cases/_panel.html",
        {
            "household": household,
            "entitlements": entitlements_of_household(household=household),
            "cases": _latest_cases(household.pk),
            "can_apply": user.has_capability(Capability.SUBMIT_CASE),  # type: ignore[union-attr]
            "can_propose_stop": may_propose_stop(user=user),
            # The proposals waiting for the county, by entitlement: a tag instead of a second 申请停保.
            "proposed": {r.entitlement_id: r for r in _waiting(household.pk)},
        },
    )


register_panel(30, cases_panel)
