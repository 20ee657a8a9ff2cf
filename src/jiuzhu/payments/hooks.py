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
