"""Back pay and recovery (helper "arrears" replaces this module): a stub with the agreed contract, so the
payroll can call it before the real computation is merged. Both functions are set-based (Polars frames)."""

from __future__ import annotations

import datetime as dt

import polars as pl

# The columns of an adjustment line (what payroll_generate adds to the month's regular lines).
ADJUSTMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,
    "entitlement_id": pl.Int64,
    "program": pl.String,
    "service_month": pl.Date,
    "kind": pl.String,
    "amount_fen": pl.Int64,
    "note": pl.String,
}

# The columns of a collection to create (追缴清单) when a recovery finds nothing left to take from.
COLLECTION_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,
    "entitlement_id": pl.Int64,
    "first_month": pl.Date,
    "last_month": pl.Date,
    "amount_fen": pl.Int64,
    "cause": pl.String,
    "note": pl.String,
}


def adjustments(*, month: dt.date, region_code_prefix: str, program: str = "") -> pl.DataFrame:  # noqa: ARG001
    """Back pay (positive) and recovery (negative) lines for service months before `month`. Stub: none."""
    return pl.DataFrame(schema=ADJUSTMENT_SCHEMA)


def cap_recoveries(lines: pl.DataFrame, *, payroll_month: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:  # noqa: ARG001
    """The lines with recoveries capped so no household's month goes below zero, and the collections for
    what could not be recovered. Stub: the lines unchanged, no collections."""
    return lines, pl.DataFrame(schema=COLLECTION_SCHEMA)
