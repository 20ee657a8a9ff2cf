"""Reactions of higher apps to what happens in the registry. A higher app registers a callback here (in its
AppConfig.ready), the registry calls whoever registered, so the registry never imports them: a death
recorded → cases schedules a re-check of the household's assistance (and, later, payments a stop); a bank
account corrected → payments releases the money the bank returned."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from jiuzhu.registry.models import Household, Person

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


class BankAccountCallback(Protocol):
    def __call__(self, *, household: Household, actor: User | None) -> object: ...


_ON_BANK_ACCOUNT: list[BankAccountCallback] = []


def on_bank_account_changed(callback: BankAccountCallback) -> BankAccountCallback:
    """Register a reaction to a household's bank account being changed; registering twice is one."""
    if callback not in _ON_BANK_ACCOUNT:
        _ON_BANK_ACCOUNT.append(callback)
    return callback


def bank_account_changed(*, household: Household, actor: User | None) -> None:
    """Called by household_update inside its transaction once a changed account is saved."""
    for callback in _ON_BANK_ACCOUNT:
        callback(household=household, actor=actor)


class HouseholdCallback(Protocol):
    def __call__(self, *, household: Household, actor: User | None) -> object: ...


_ON_HOUSEHOLD_CHANGED: list[HouseholdCallback] = []


def on_household_changed(callback: HouseholdCallback) -> HouseholdCallback:
    """Register a reaction to any saved change of a household or its members (monitoring recomputes the
    warning level); registering twice is one."""
    if callback not in _ON_HOUSEHOLD_CHANGED:
        _ON_HOUSEHOLD_CHANGED.append(callback)
    return callback


def household_changed(*, household: Household, actor: User | None) -> None:
    """Called by household_update, person_add and person_update inside their transaction, after saving."""
    for callback in _ON_HOUSEHOLD_CHANGED:
        callback(household=household, actor=actor)
