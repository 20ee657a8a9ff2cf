"""The columns the engine reads, with the default a missing column takes.

Money columns are integer fen. Callers may leave out any column with a default; the engine adds it, so
the command line, the household page and the monthly run build only what they know.
"""

from __future__ import annotations

from typing import Any

import polars as pl

REQUIRED = object()

HOUSEHOLD_COLUMNS: dict[str, tuple[Any, object]] = {
    "household_id": (pl.Int64, REQUIRED),
    "region": (pl.String, ""),  # 12-digit code; "" when only root parameters are used
    "date": (pl.Date, REQUIRED),
    "urban": (pl.Boolean, False),
    "deposits": (pl.Int64, 0),
    "vehicles": (pl.Int32, 0),
    "disability_vehicle": (pl.Boolean, False),
    "homes": (pl.Int32, 1),
    "business": (pl.Boolean, False),
}

PERSON_COLUMNS: dict[str, tuple[Any, object]] = {
    "person_id": (pl.Int64, REQUIRED),
    "household_id": (pl.Int64, REQUIRED),
    "label": (pl.String, None),  # what the explanation calls the person; the id when absent
    "birth_date": (pl.Date, REQUIRED),
    "disability_kind": (pl.String, None),
    "disability_grade": (pl.Int8, None),
    "serious_illness": (pl.Boolean, False),
    "labor": (pl.String, "full"),
    "adl_impossible": (pl.Int8, 0),
    "student": (pl.Boolean, False),
    "alive": (pl.Boolean, True),
    "excluded": (pl.Boolean, False),
    "supporter": (pl.String, "capable"),
    "orphan": (pl.String, "none"),
    "institution": (pl.Boolean, False),
    "prefers_dibao": (pl.Boolean, False),
    "income_wage": (pl.Int64, 0),
    "income_business": (pl.Int64, 0),
    "income_property": (pl.Int64, 0),
    "income_transfer": (pl.Int64, 0),
    "income_other": (pl.Int64, 0),
    "income_exempt": (pl.Int64, 0),
    "rigid_medical": (pl.Int64, 0),
    "rigid_rehab": (pl.Int64, 0),
}


def conform(frame: pl.DataFrame, columns: dict[str, tuple[Any, object]], what: str) -> pl.DataFrame:
    """The frame with exactly the engine's columns and types; missing optional columns filled."""
    exprs = []
    for name, (dtype, default) in columns.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        elif default is REQUIRED:
            raise KeyError(f"{what} frame lacks required column {name!r}")
        else:
            exprs.append(pl.lit(default, dtype=dtype).alias(name))
    return frame.select(exprs)


def empty(columns: dict[str, tuple[Any, object]]) -> pl.DataFrame:
    return pl.DataFrame(schema={name: dtype for name, (dtype, _default) in columns.items()})
