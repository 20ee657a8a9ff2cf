"""How a stored value reads to staff when core shows it without knowing its app (the audit log): an app above
registers a labeller for a field name in its AppConfig.ready() (policy: `program` → the programme's name), and
the labels of the keys its audit entries record that are no field of a model (a payroll's `paid` and `failed`
counts, a matching run's finding kinds)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_LABELLERS: dict[str, Callable[[Any], Any]] = {}
_KEY_LABELS: dict[tuple[str, str], Any] = {}  # (object_type, key) → label (lazy); object_type "" for any


def register_key_labels(object_type: str, labels: Mapping[str, Any]) -> None:
    """Labels for the keys an app's audit entries of `object_type` record ("" for keys any entry may hold)."""
    for key, label in labels.items():
        _KEY_LABELS[(object_type, key)] = label


def key_label(object_type: str, key: str) -> str | None:
    label = _KEY_LABELS.get((object_type, key), _KEY_LABELS.get(("", key)))
    return None if label is None else str(label)


def register_value_label(field: str, labeller: Callable[[Any], Any]) -> None:
    _LABELLERS[field] = labeller


def value_label(field: str, value: Any) -> Any:
    labeller = _LABELLERS.get(field)
    return labeller(value) if labeller is not None and isinstance(value, str) and value else value
