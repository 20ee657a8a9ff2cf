"""The household page's payment ledger, month by month (registered with registry.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.payments.selectors import (
    entitlement_events_of_household,
    household_collections,
    ledger_of_household,
    open_account_flags,
)
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import register_panel, render_panel


def ledger_panel(request: HttpRequest, household: Household) -> str:
    # The household page has already checked the scope: whoever sees the household sees what it was paid.
    return render_panel(
        request,
        "payments/_ledger_panel.html",
        {
            "lines": ledger_of_household(household=household),
            "flags": open_account_flags(household=household),
            "collections": household_collections(household=household),
            "changes": entitlement_events_of_household(household=household),
        },
    )


register_panel(40, ledger_panel)
