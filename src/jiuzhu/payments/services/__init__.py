"""Writes of the payments app, one module per business area: entitlements (decided amounts and their
changes), payroll (the month's money), bank files and returns, arrears (back pay and recovery)."""

from jiuzhu.payments.services.arrears import adjustments, cap_recoveries, collections_insert
from jiuzhu.payments.services.entitlements import (
    entitlement_change_amount,
    entitlement_create,
    entitlement_gradual_exit,
    entitlement_stop,
    entitlement_suspend,
    entitlements_stop_on_death,
)
from jiuzhu.payments.services.recompute import RecomputeResult, entitlements_recompute

__all__ = [
    "RecomputeResult",
    "adjustments",
    "cap_recoveries",
    "collections_insert",
    "entitlement_change_amount",
    "entitlement_create",
    "entitlement_gradual_exit",
    "entitlement_stop",
    "entitlement_suspend",
    "entitlements_recompute",
    "entitlements_stop_on_death",
]
