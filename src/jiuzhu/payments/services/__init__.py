"""Writes of the payments app, one module per business area: entitlements (decided amounts and their
changes), payroll (the month's money), bank files and returns, arrears (back pay and recovery)."""

from jiuzhu.payments.bankfiles.export import bank_file_export, bank_file_render
from jiuzhu.payments.bankfiles.returns import account_flags_resolve, bank_return_import
from jiuzhu.payments.services.entitlements import (
    entitlement_change_amount,
    entitlement_create,
    entitlement_gradual_exit,
    entitlement_stop,
    entitlement_suspend,
)
from jiuzhu.payments.services.payroll import (
    payroll_approve,
    payroll_check,
    payroll_discard,
    payroll_generate,
)

__all__ = [
    "account_flags_resolve",
    "bank_file_export",
    "bank_file_render",
    "bank_return_import",
    "entitlement_change_amount",
    "entitlement_create",
    "entitlement_gradual_exit",
    "entitlement_stop",
    "entitlement_suspend",
    "payroll_approve",
    "payroll_check",
    "payroll_discard",
    "payroll_generate",
]
