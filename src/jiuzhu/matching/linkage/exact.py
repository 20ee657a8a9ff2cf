"""The exact stage: pairs whose valid, normalised ID numbers are equal."""

from __future__ import annotations

import polars as pl

from jiuzhu.matching.linkage.normalise import prepare_ids

PAIR_SCHEMA = {"left_id": pl.String, "right_id": pl.String, "score": pl.Float64, "method": pl.String}
METHOD_EXACT = "id_exact"
METHOD_FUZZY = "fuzzy"


def exact_pairs(left: pl.LazyFrame, right: pl.LazyFrame) -> pl.LazyFrame:
    """Lazy exact linkage of two raw frames that have at least `id` and `id_number`: normalisation included,
    only valid numbers joined. For ten million rows: stream it (`collect(engine="streaming")`)."""
    lhs = prepare_ids(left).filter(pl.col("id_valid")).select(pl.col("id").alias("left_id"), "id_number")
    rhs = prepare_ids(right).filter(pl.col("id_valid")).select(pl.col("id").alias("right_id"), "id_number")
    return lhs.join(rhs, on="id_number", how="inner").select(
        "left_id", "right_id", pl.lit(1.0).alias("score"), pl.lit(METHOD_EXACT).alias("method")
    )


def link_exact(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Prepared frames (see `prepare`) → left_id, right_id, score (1.0), method ("id_exact"), one row per
    pair of records that carry the same valid ID number, sorted."""
    lhs = left.filter(pl.col("id_number").is_not_null()).select(pl.col("id").alias("left_id"), "id_number")
    rhs = right.filter(pl.col("id_number").is_not_null()).select(pl.col("id").alias("right_id"), "id_number")
    pairs = lhs.join(rhs, on="id_number", how="inner").select(
        "left_id", "right_id", pl.lit(1.0).alias("score"), pl.lit(METHOD_EXACT).alias("method")
    )
    return pairs.cast(PAIR_SCHEMA).sort("left_id", "right_id")  # type: ignore[arg-type]
