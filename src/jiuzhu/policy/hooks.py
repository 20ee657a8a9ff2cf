"""The policy app's reactions to the registry (registered in PolicyConfig.ready)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.utils import timezone

from jiuzhu.policy.rules import ParameterError
from jiuzhu.policy.services import evaluation_current
from jiuzhu.registry.models import Household

if TYPE_CHECKING:
    from jiuzhu.accounts.models import User


def household_changed(*, household: Household, actor: User | None) -> None:  # noqa: ARG001 (the hook's signature)
    """A household or a member saved: its evaluation is computed and stored now, inside the change's
    transaction, so that its page finds it ready (and a rolled-back change takes it back too)."""
    # No standard in force yet: the page says so itself, and there is nothing to store.
    with contextlib.suppress(ParameterError):
        evaluation_current(household=household, date=timezone.localdate())
