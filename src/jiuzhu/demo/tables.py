"""The tables a synthetic county draws from: surnames and given names by frequency, birthplaces,
illnesses (demo/data/*.csv), and ID numbers that are valid and unique per region, birth date and sex."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl

from jiuzhu.core.idcard import check_characters
from jiuzhu.demo.layout import read_table

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

SEQ_SLOTS = 500  # sequence numbers per (region, birth date, sex): 3 digits, odd for men, even for women


@dataclass(frozen=True)
class Table:
    """Values and their cumulative weights: draws are indices, turned into text only at the end (a Polars
    gather), because building millions of Python strings one by one is what makes generators slow."""

    values: pl.Series
    cdf: Floats

    def draw(self, rng: np.random.Generator, n: int) -> Ints:
        return np.searchsorted(self.cdf, rng.random(n), side="right").astype(np.int64)


def table(values: Sequence[str], weights: Sequence[float]) -> Table:
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0 + 1e-12  # a draw of exactly 1.0 never falls off the end
    return Table(pl.Series(list(values), dtype=pl.String), cdf)


def text(values: Sequence[str], idx: Ints) -> pl.Series:
    """values[idx] as a Polars string column."""
    return pl.Series(list(values), dtype=pl.String).gather(idx)


@cache
def surname_table() -> Table:
    rows = read_table("surnames.csv")
    return table([r["surname"] for r in rows], [float(r["weight"]) for r in rows])


@cache
def given_tables() -> dict[tuple[bool, bool], Table]:
    """(male, born before 1985) → characters and weights."""
    rows = read_table("given_names.csv")
    out = {}
    for male in (True, False):
        for old in (True, False):
            sel = [r for r in rows if (r["sex"] == "M") == male and (r["era"] == "old") == old]
            out[male, old] = table([r["char"] for r in sel], [float(r["weight"]) for r in sel])
    return out


@cache
def birthplace_table() -> Table:
    rows = read_table("birthplaces.csv")
    return table([r["code"] for r in rows], [float(r["weight"]) for r in rows])


@cache
def illness_table() -> tuple[Table, Ints]:
    rows = read_table("illnesses.csv")
    return table([r["name"] for r in rows], [float(r["weight"]) for r in rows]), np.array(
        [int(r["monthly"]) for r in rows], dtype=np.int64
    )


# ---------------------------------------------------------------------------------------------------------
# ID numbers


def assign_sequences(region6: Ints, birth_days: Ints, male: Bools) -> tuple[Ints, Ints]:
    """(region6, 3-digit sequence) for every person, unique per (region, birth date, sex).

    Persons sharing a birth date and sex are ranked; a rank maps to a sequence through a stride coprime to
    500, so sequences look scattered yet never collide. The rare person past 500 on one day (only at
    millions of people) moves to the next birthplace code in data/birthplaces.csv, until everyone fits."""
    region6 = region6.copy()
    fallbacks = [int(c) for c in birthplace_table().values]
    for attempt in range(len(fallbacks) + 1):
        key = (region6 * 100_000 + birth_days + 40_000) * 2 + male.astype(np.int64)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.ones(len(key), dtype=bool)
        starts[1:] = sorted_key[1:] != sorted_key[:-1]
        positions = np.arange(len(key), dtype=np.int64)
        rank_sorted = positions - np.maximum.accumulate(np.where(starts, positions, 0))
        rank = np.empty_like(rank_sorted)
        rank[order] = rank_sorted
        overflow = rank >= SEQ_SLOTS
        if not overflow.any():
            offset = (birth_days * 7919 + region6 * 104_729) % SEQ_SLOTS
            seq = (offset + rank * 37) % SEQ_SLOTS
            return region6, seq * 2 + male.astype(np.int64)
        if attempt == len(fallbacks):
            break
        region6[overflow] = fallbacks[attempt]
    raise ValueError("too many persons born on one day to give each a unique ID number")


def id_numbers(region6: Ints, birth_days: Ints, seq3: Ints) -> pl.Series:
    """18-character numbers with the GB 11643 check character, from days since 1970-01-01."""
    dates = birth_days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    first17 = pl.Series(region6 * 10**11 + (year * 10_000 + month * 100 + day) * 1000 + seq3, dtype=pl.Int64)
    return first17.cast(pl.String) + check_characters(first17)


# ---------------------------------------------------------------------------------------------------------
# Households and members
