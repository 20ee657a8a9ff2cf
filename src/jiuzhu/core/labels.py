"""How a stored value reads to staff when core shows it without knowing its app (the audit log): an app above
registers a labeller for a field name in its AppConfig.ready() (policy: `program` → the programme's name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_LABELLERS: dict[str, Callable[[Any], Any]] = {}


def register_value_label(field: str, labeller: Callable[[Any], Any]) -> None:
    _LABELLERS[field] = labeller


def value_label(field: str, value: Any) -> Any:
    labeller = _LABELLERS.get(field)
    return labeller(value) if labeller is not None and isinstance(value, str) and value else value
