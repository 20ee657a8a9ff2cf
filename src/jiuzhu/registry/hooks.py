"""Reactions of higher apps to what happens in the registry. A higher app registers a callback here (in its
AppConfig.ready), the registry calls whoever registered, so the registry never imports them: a death
recorded → cases schedules a re-check of the household's assistance (and, later, payments a stop)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from jiuzhu.registry.models import Person

if TYPE_CHECKING:
    from jiuzhu.accounts.models import User


class DeathCallback(Protocol):
    def __call__(self, *, person: Person, actor: User | None, on: dt.date) -> object: ...


_ON_DEATH: list[DeathCallback] = []


def on_death_recorded(callback: DeathCallback) -> DeathCallback:
    """Register a reaction to a member's recorded death; usable as a decorator. Registering twice is one."""
    if callback not in _ON_DEATH:
        _ON_DEATH.append(callback)
    return callback


def death_recorded(*, person: Person, actor: User | None, on: dt.date) -> None:
    """Called by the registry's services once a date of death is set, inside their transaction: a
    reaction that fails rolls the recording back with it."""
    for callback in _ON_DEATH:
        callback(person=person, actor=actor, on=on)
