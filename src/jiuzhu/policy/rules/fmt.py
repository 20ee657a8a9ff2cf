"""Polars string expressions for explanation lines: a million lines are built column-wise, never in a
Python loop. Whole yuan print without decimals ("528 元"), anything else with two ("312.50 元")."""

from __future__ import annotations

import polars as pl

DISABILITY_NAMES = {
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "physical": "肢体",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
}


def yuan(fen: pl.Expr) -> pl.Expr:
    """Fen as yuan text; negative amounts never reach an explanation, the rules floor them first."""
    whole = (fen // 100).cast(pl.String)
    cents = (fen % 100).cast(pl.String).str.zfill(2)
    return pl.when(fen % 100 == 0).then(whole).otherwise(pl.concat_str(whole, pl.lit("."), cents))


def basis_points(bp: pl.Expr, per: int) -> pl.Expr:
    """An integer in 1/per units as the shortest decimal text: 15000/10000 → "1.5", 2000/100 → "20"."""
    whole = (bp // per).cast(pl.String)
    digits = len(str(per)) - 1
    frac = (bp % per).cast(pl.String).str.zfill(digits).str.strip_chars_end("0")
    return pl.when(bp % per == 0).then(whole).otherwise(pl.concat_str(whole, pl.lit("."), frac))


def percent(bp: pl.Expr) -> pl.Expr:
    """Basis points of the whole (2000) as a percent figure ("20")."""
    return basis_points(bp, 100)


def multiple(bp: pl.Expr) -> pl.Expr:
    """Basis points of one (15000) as a multiple ("1.5")."""
    return basis_points(bp, 10_000)


def disability(kind: pl.Expr, grade: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        kind.replace_strict(DISABILITY_NAMES, default="", return_dtype=pl.String),
        grade.cast(pl.String),
        pl.lit("级残疾"),
    )


def clause(condition: pl.Expr, *parts: pl.Expr | str) -> pl.Expr:
    """A piece of text present only when the condition holds (null otherwise, dropped by join())."""
    exprs = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return pl.when(condition).then(pl.concat_str(exprs))


def join(*parts: pl.Expr, separator: str = "；") -> pl.Expr:
    return pl.concat_str(list(parts), separator=separator, ignore_nulls=True)


def text(*parts: pl.Expr | str) -> pl.Expr:
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts])
