"""What a programme is, declared once: the entry every list of programmes in the project derives from.

A per-person monthly programme is an entry with a `PersonRule`: the parameter keys of its tiers, an
expression choosing a person's tier (null where it pays nothing) and the explanation line. The engine
evaluates every such entry the same way, so adding one is adding an entry (and its parameters and
golden file), not editing the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from jiuzhu.policy.rules.i18n import gettext_noop as gettext_noop  # re-exported: the entries mark names with it
from jiuzhu.policy.rules.params import PARAMETER_SPECS, col


class Unit(StrEnum):
    HOUSEHOLD = "household"
    PERSON = "person"


class Periodicity(StrEnum):
    MONTHLY = "monthly"
    ONE_OFF = "one_off"
    PER_BILL = "per_bill"
    TRIGGERED = "triggered"


UNIT_LABELS = {Unit.HOUSEHOLD: gettext_noop("按户"), Unit.PERSON: gettext_noop("按人")}
PERIODICITY_LABELS = {
    Periodicity.MONTHLY: gettext_noop("按月"),
    Periodicity.ONE_OFF: gettext_noop("一次性"),
    Periodicity.PER_BILL: gettext_noop("按单据"),
    Periodicity.TRIGGERED: gettext_noop("触发期间按月"),
}

# pick(keys, tier): per person, the amount of `keys[tier]` in force for the person's region, date and
# area; 0 where the tier is null.
Pick = Callable[[Sequence[str], pl.Expr], pl.Expr]
# look(name): per person, a column of the contexts table (a resolved parameter or a derived amount).
Look = Callable[[str], pl.Expr]


def look_key(look: Look, key: str) -> pl.Expr:
    return look(col(key))


def paid(code: str) -> pl.Expr:
    """The fen a person programme pays a person, as its explanation line reads it."""
    return pl.col(f"a:{code}")


@dataclass(frozen=True, eq=False)
class HouseholdRule:
    """A 低保 programme: the household decision (programs/dibao.py) paid to urban or to rural households."""

    urban: bool
    other_area_line: str  # what a household of the other area reads under this programme


@dataclass(frozen=True, eq=False)
class PersonRule:
    """A monthly programme paid per person.

    The columns the expressions may read are the person facts of the engine (age, member, disabled,
    severe, dibao_covered, tekun, tekun_paid, institution, orphan, std …, see programs/dibao.py and
    programs/tekun.py) and any column its `prepare` adds.
    """

    tiers: tuple[str, ...]  # parameter keys, one amount per tier, in tier order
    tier: pl.Expr  # the person's tier, 0 … len(tiers) − 1; null where the programme pays nothing
    line: pl.Expr  # the explanation line of one person, reading paid(code) for the amount
    # The amount when it is not simply the tier's amount (特困: basic living + the care tier).
    amount: pl.Expr | None = None
    # Columns added to the contexts table (one row per region, date and area) in stages, before anything
    # else reads them: amounts derived from parameters once per context instead of once per person.
    context: tuple[dict[str, pl.Expr], ...] = ()
    # Per-person columns added in stages before the amount, built with pick and look.
    prepare: Callable[[Pick, Look], list[dict[str, pl.Expr]]] | None = None
    # Whom the line is written for (default: those paid), and of those, whose lines are listed under
    # this programme. Entries sharing the same `line` and `about` objects have their lines built once.
    about: pl.Expr | None = None
    listed: pl.Expr | None = None
    # Context columns the line reads besides std and the label.
    reads: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Program:
    code: str
    name: str  # Chinese, the msgid of the translation catalogue
    unit: Unit
    periodicity: Periodicity
    # Programmes one person may not draw at the same time as this one.
    excludes: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # the parameters its rule reads
    # The documents an applicant brings besides the common ones: (code, msgid).
    documents: tuple[tuple[str, str], ...] = ()
    household: HouseholdRule | None = None
    person: PersonRule | None = None

    @property
    def evaluated_monthly(self) -> bool:
        """Whether the monthly engine evaluates it for every household."""
        return self.household is not None or self.person is not None


@dataclass(frozen=True, eq=False)
class Registry:
    """A set of entries and the lists the engine and the pages derive from them."""

    programs: tuple[Program, ...]
    by_code: dict[str, Program] = field(init=False)
    monthly: tuple[str, ...] = field(init=False)  # evaluated for every household, in the caseworker's order
    keys: list[str] = field(init=False)  # every parameter the monthly rules read

    def __post_init__(self) -> None:
        by_code = {p.code: p for p in self.programs}
        if len(by_code) != len(self.programs):
            raise ValueError("programme codes must be unique")
        for p in self.programs:
            unknown = [k for k in p.keys if k not in PARAMETER_SPECS]
            if unknown:
                raise ValueError(f"{p.code} reads parameters not declared in params.py: {unknown}")
            if p.person is not None:
                if not p.person.tiers:
                    raise ValueError(f"{p.code} has no tier")
                missing = [k for k in p.person.tiers if k not in p.keys]
                if missing:
                    raise ValueError(f"{p.code} does not list its tiers' keys in `keys`: {missing}")
        monthly = [p for p in self.programs if p.evaluated_monthly]
        declared = {k for p in monthly for k in p.keys}
        object.__setattr__(self, "by_code", by_code)
        object.__setattr__(self, "monthly", tuple(p.code for p in monthly))
        object.__setattr__(self, "keys", [k for k in PARAMETER_SPECS if k in declared])

    def selected(self, codes: Iterable[str] | None) -> tuple[str, ...]:
        if codes is None:
            return self.monthly
        chosen = set(codes)
        unknown = chosen - set(self.monthly)
        if unknown:
            raise ValueError(f"unknown monthly programmes: {sorted(unknown)}")
        return tuple(code for code in self.monthly if code in chosen)

    def person_programs(self, codes: Iterable[str]) -> tuple[Program, ...]:
        wanted = set(codes)
        return tuple(p for p in self.programs if p.person is not None and p.code in wanted)

    def household_programs(self, codes: Iterable[str]) -> tuple[Program, ...]:
        wanted = set(codes)
        return tuple(p for p in self.programs if p.household is not None and p.code in wanted)
