"""Writes of the payments app, one module per business area: entitlements (decided amounts and their
changes), payroll (the month's money), bank files and returns, arrears (back pay and recovery) and the
recompute after a raise of a standard (提标)."""

from jiuzhu.payments.bankfiles.export import bank_file_export, bank_file_render
from jiuzhu.payments.bankfiles.returns import account_flags_resolve, bank_return_import
from jiuzhu.payments.services.arrears import adjustments, cap_recoveries, collections_insert
from jiuzhu.payments.services.entitlements import (
    entitlement_change_amount,
    entitlement_create,
    entitlement_gradual_exit,
    entitlement_stop,
    entitlement_suspend,
    entitlements_stop_on_death,
)
from jiuzhu.payments.services.oneoff import one_off_grant_record, one_off_lines
from jiuzhu.payments.services.payroll import (
    payroll_approve,
    payroll_check,
    payroll_discard,
    payroll_generate,
)
from jiuzhu.payments.services.recompute import RecomputeResult, entitlements_recompute

__all__ = [
    "RecomputeResult",
    "account_flags_resolve",
    "adjustments",
    "bank_file_export",
    "bank_file_render",
    "bank_return_import",
    "cap_recoveries",
    "collections_insert",
    "entitlement_change_amount",
    "entitlement_create",
    "entitlement_gradual_exit",
    "entitlement_stop",
    "entitlement_suspend",
    "entitlements_recompute",
    "entitlements_stop_on_death",
    "one_off_grant_record",
    "one_off_lines",
    "payroll_approve",
    "payroll_check",
    "payroll_discard",
    "payroll_generate",
]
