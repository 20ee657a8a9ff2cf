"""A rule's declaration and the one shape every rule returns."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from jiuzhu.matching.rules.context import Context
from jiuzhu.policy.rules import fmt

# What a rule returns: one row per suspected problem. `key` identifies the evidence (the same problem seen
# again gives the same key), `evidence` is JSON.
OUT_SCHEMA: dict[str, Any] = {
    "person_id": pl.Int64,
    "household_id": pl.Int64,
    "key": pl.String,
    "summary": pl.String,  # a marked message (core/messages.py)
    "evidence": pl.String,
}

DIBAO = frozenset({"dibao_urban", "dibao_rural"})
TEKUN = frozenset({"tekun_central", "tekun_dispersed"})


class Level(enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # Chinese, marked for the catalogue
    description: str
    source: str  # the document it rests on
    severity: Level
    kinds: tuple[str, ...]  # the external data sets it reads (none: the registry alone)
    check: Callable[[Context], pl.DataFrame]
    # The actions that can close a finding of this rule (see services.findings.ACTIONS).
    actions: tuple[str, ...] = ("review",)


def out(frame: pl.DataFrame, *, key: pl.Expr, summary: pl.Expr, evidence: list[str | pl.Expr]) -> pl.DataFrame:
    """The rule's hits in OUT_SCHEMA: evidence columns packed into one JSON text."""
    if frame.height == 0:
        return pl.DataFrame(schema=OUT_SCHEMA)
    person = pl.col("person_id") if "person_id" in frame.columns else pl.lit(None, dtype=pl.Int64)
    return frame.select(
        person.cast(pl.Int64).alias("person_id"),
        pl.col("household_id").cast(pl.Int64),
        key.cast(pl.String).alias("key"),
        summary.cast(pl.String).fill_null("").alias("summary"),
        pl.struct(evidence).struct.json_encode().alias("evidence"),
    ).unique("key", keep="first", maintain_order=True)


def month_expr(day: pl.Expr) -> pl.Expr:
    return day.dt.month_start()


def age_expr(birth: pl.Expr, on: Any) -> pl.Expr:
    """Whole years on `on` (a date), as core.idcard.age_on."""
    day = pl.lit(on)
    before = (day.dt.month() < birth.dt.month()) | (
        (day.dt.month() == birth.dt.month()) & (day.dt.day() < birth.dt.day())
    )
    return day.dt.year() - birth.dt.year() - before.cast(pl.Int32)


def program_name(col: pl.Expr) -> pl.Expr:
    """A programme code as its name, a message of its own in the summary (core/messages.py): the summary is
    stored once, language-neutral, and shown in the reader's language."""
    from jiuzhu.policy.rules import PROGRAMS_BY_CODE

    names = {code: fmt.const(p.name) for code, p in PROGRAMS_BY_CODE.items()}
    return col.replace_strict(names, default=col, return_dtype=pl.String)
