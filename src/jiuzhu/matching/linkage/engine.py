"""`link`: the exact stage, then the fuzzy stage for whatever it left."""

from __future__ import annotations

import polars as pl

from jiuzhu.matching.linkage.exact import PAIR_SCHEMA, link_exact
from jiuzhu.matching.linkage.settings import LinkSettings


def link(left: pl.DataFrame, right: pl.DataFrame, *, settings: LinkSettings | None = None) -> pl.DataFrame:
    """Prepared frames (see `prepare`) → one row per linked pair: left_id, right_id, score (0–1), method
    ("id_exact": equal valid ID numbers; "fuzzy": Splink's match probability ≥ settings.threshold, for records
    the exact stage did not link). Sorted by left_id, right_id; the same input gives the same output."""
    settings = settings or LinkSettings.from_settings()
    exact = link_exact(left, right)
    if not settings.fuzzy:
        return exact
    rest_left = left.join(exact.select(pl.col("left_id").alias("id")), on="id", how="anti")
    rest_right = right.join(exact.select(pl.col("right_id").alias("id")), on="id", how="anti")
    if rest_left.is_empty() or rest_right.is_empty():
        return exact
    from jiuzhu.matching.linkage.fuzzy import link_fuzzy

    fuzzy = link_fuzzy(rest_left, rest_right, settings=settings)
    return pl.concat([exact, fuzzy.cast(PAIR_SCHEMA)]).sort("left_id", "right_id")  # type: ignore[arg-type]
