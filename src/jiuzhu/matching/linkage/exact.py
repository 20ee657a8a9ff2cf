"""The exact stage: pairs whose valid, normalised ID numbers are equal."""

from __future__ import annotations

import polars as pl

from jiuzhu.matching.linkage.normalise import clean_id_numbers, upgrade_15_expr, valid_id_expr

PAIR_SCHEMA = {"left_id": pl.String, "right_id": pl.String, "score": pl.Float64, "method": pl.String}
METHOD_EXACT = "id_exact"
METHOD_FUZZY = "fuzzy"


def _normalised(frame: pl.LazyFrame, id_name: str) -> pl.LazyFrame:
    """id and the cleaned number; the 15-digit ones (a few) upgraded apart, so that the check character is
    computed for them only."""
    clean = frame.select(pl.col("id").cast(pl.String).alias(id_name), clean_id_numbers(pl.col("id_number")).alias("n"))
    length = pl.col("n").str.len_bytes()
    legacy = clean.filter(length == 15).with_columns(upgrade_15_expr(pl.col("n")).alias("n"))
    return pl.concat([clean.filter(length == 18), legacy]).drop_nulls("n")


def exact_pairs(left: pl.LazyFrame, right: pl.LazyFrame) -> pl.LazyFrame:
    """Lazy exact linkage of two raw frames that have at least `id` and `id_number`: normalisation included,
    only valid numbers linked. Equal numbers are joined first and only the pairs are checked for validity
    (check character, birth date): ten million numbers need not all be checked. For ten million rows,
    stream it (`collect(engine="streaming")`). Numbers only: unlike `link_exact`, a pair through a 15-digit
    number is kept whatever the names."""
    pairs = _normalised(left, "left_id").join(_normalised(right, "right_id"), on="n", how="inner")
    return pairs.filter(valid_id_expr(pl.col("n"))).select(
        "left_id", "right_id", pl.lit(1.0).alias("score"), pl.lit(METHOD_EXACT).alias("method")
    )


def link_exact(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Prepared frames (see `prepare`) → left_id, right_id, score (1.0), method ("id_exact"), one row per
    pair of records that carry the same valid ID number, sorted. A 15-digit number has no check digit, so a
    typo in it makes another person's number: a pair through one is kept only if the names read alike
    (or one is missing); the others are left to the fuzzy stage."""
    cols = ["id", "id_number", "id_upgraded", "name_pinyin"]
    lhs = left.filter(pl.col("id_number").is_not_null()).select(cols)
    rhs = right.filter(pl.col("id_number").is_not_null()).select(cols)
    joined = lhs.join(rhs, on="id_number", how="inner", suffix="_r")
    names_differ = (pl.col("name_pinyin") != pl.col("name_pinyin_r")).fill_null(False)
    pairs = joined.filter(~((pl.col("id_upgraded") | pl.col("id_upgraded_r")) & names_differ)).select(
        pl.col("id").alias("left_id"),
        pl.col("id_r").alias("right_id"),
        pl.lit(1.0).alias("score"),
        pl.lit(METHOD_EXACT).alias("method"),
    )
    return pairs.cast(PAIR_SCHEMA).sort("left_id", "right_id")  # type: ignore[arg-type]
