"""Reactions of higher apps to what happens to entitlements, registered in their AppConfig.ready so that
payments never imports them: a recompute replaces entitlements by new links of their chains, and cases
moves the open reviews of the old links to the new ones."""

from __future__ import annotations

from typing import Protocol


class ReplacedCallback(Protocol):
    def __call__(self, *, old_ids: list[int]) -> object: ...


_ON_REPLACED: list[ReplacedCallback] = []


def on_entitlements_replaced(callback: ReplacedCallback) -> ReplacedCallback:
    """Register a reaction to entitlements replaced in bulk (the new link's `previous` is the old one)."""
    if callback not in _ON_REPLACED:
        _ON_REPLACED.append(callback)
    return callback


def entitlements_replaced(*, old_ids: list[int]) -> None:
    """Called inside the replacing transaction, once the new links exist."""
    for callback in _ON_REPLACED:
        callback(old_ids=old_ids)


class PayrollCallback(Protocol):
    def __call__(self, *, month: object) -> object: ...


_ON_PAID: list[PayrollCallback] = []


def on_payroll_paid(callback: PayrollCallback) -> PayrollCallback:
    """Register a reaction to a payroll approved or reconciled (what a month's statistics count changed)."""
    if callback not in _ON_PAID:
        _ON_PAID.append(callback)
    return callback


def payroll_paid(*, month: object) -> None:
    """Called inside the approving (or reconciling) transaction, with the payroll's month."""
    for callback in _ON_PAID:
        callback(month=month)
