"""The household as the application keeps it: the engine-input schema's records (policy.inputs), so the
snapshot is evaluated exactly as the registry would be."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuzhu.policy.inputs import household_record, person_record
from jiuzhu.registry.models import Household


def household_snapshot(*, household: Household) -> dict[str, Any]:
    """The household as it stands now: what the application keeps as 'the family when applying'."""
    return {
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "household": household_record(household),
        "members": [person_record(p) for p in household.members.order_by("id")],
    }
