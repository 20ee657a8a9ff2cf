"""The fuzzy stage: Splink 5 with the model of `model.py`, on DuckDB in process or on Spark."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from jiuzhu.matching.linkage.exact import METHOD_FUZZY, PAIR_SCHEMA
from jiuzhu.matching.linkage.model import SPLINK_COLUMNS, blocking_rules, comparisons
from jiuzhu.matching.linkage.settings import LinkSettings

# The share of true matches that agree on name and birth date exactly (measured on bench/linkage_data.py):
# the prior of a fuzzy run is the count of such pairs, divided by this recall, over all pairs.
_PRIOR_RECALL = 0.6


def splink_input(frame: pl.DataFrame) -> pl.DataFrame:
    """A prepared frame as the columns the model compares (dates as text: both backends read them alike)."""
    birth = pl.col("birth_date")
    # A number written with 15 digits says nothing the birth date does not (and has no check digit).
    id_norm = pl.when(~pl.col("id_upgraded")).then(pl.col("id_norm"))
    return frame.select(
        pl.col("id").alias("unique_id"),
        "name",
        "name_pinyin",
        "surname_pinyin",
        pl.when(pl.col("given_pinyin") != "").then(pl.col("given_pinyin")).alias("given_pinyin"),
        id_norm.alias("id_norm"),
        pl.when(pl.col("id_valid") & ~pl.col("id_upgraded")).then(pl.lit("1")).otherwise(pl.lit("0")).alias("id_valid"),
        pl.when(id_norm.str.len_chars() == 18)
        .then(pl.concat_str(id_norm.str.slice(0, 6), id_norm.str.slice(14, 4)))
        .alias("id_key"),
        "sex",
        birth.dt.strftime("%Y-%m-%d").alias("birth"),
        birth.dt.strftime("%Y-%d-%m").alias("birth_swapped"),
        birth.dt.year().cast(pl.String).alias("birth_year"),
        "village",
    ).cast(dict.fromkeys(SPLINK_COLUMNS, pl.String))


def prior(left: pl.DataFrame, right: pl.DataFrame) -> float:
    """The probability that two records drawn from each side at random are the same person."""
    keys = ["name", "birth_date"]
    agree = left.drop_nulls(keys).select(keys).join(right.drop_nulls(keys).select(keys), on=keys).height
    total = float(left.height) * float(right.height)
    lowest, highest = 1.0 / total, 1.0 / max(left.height, right.height)
    return min(max(agree / _PRIOR_RECALL / total, lowest), highest)


def _settings(lam: float) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="link_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=lam,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _predict_duckdb(left: pl.DataFrame, right: pl.DataFrame, lam: float, threshold: float) -> pl.DataFrame:
    import duckdb
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection=con)
        lhs = db_api.register(left.to_arrow(), dataset_display_name="persons_left")
        rhs = db_api.register(right.to_arrow(), dataset_display_name="persons_right")
        linker = Linker([lhs, rhs], _settings(lam), log_level=logging.WARNING)
        result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        frame = pl.from_arrow(result.as_pyarrow_table())  # type: ignore[no-untyped-call]
        assert isinstance(frame, pl.DataFrame)
        return frame
    finally:
        con.close()


def spark_session(master: str) -> Any:
    """A Spark session for Splink (its UDF jar for Jaro–Winkler and Damerau–Levenshtein registered)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(master)
        .appName("jiuzhu-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def _predict_spark(left: pl.DataFrame, right: pl.DataFrame, lam: float, threshold: float, master: str) -> pl.DataFrame:
    from splink import Linker, SparkAPI

    spark = spark_session(master)
    with tempfile.TemporaryDirectory(prefix="jiuzhu-linkage-") as tmp:
        if spark.sparkContext.getCheckpointDir() is None:  # Splink checkpoints to break long lineages
            spark.sparkContext.setCheckpointDir(str(Path(tmp) / "checkpoints"))
        paths = {}
        for name, frame in (("left", left), ("right", right)):
            paths[name] = str(Path(tmp) / f"{name}.parquet")
            frame.write_parquet(paths[name])
        db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
        lhs = db_api.register(spark.read.parquet(paths["left"]), dataset_display_name="persons_left")
        rhs = db_api.register(spark.read.parquet(paths["right"]), dataset_display_name="persons_right")
        linker = Linker([lhs, rhs], _settings(lam), log_level=logging.WARNING)
        result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        out = str(Path(tmp) / "pairs.parquet")
        result.as_spark_dataframe().select("unique_id_l", "unique_id_r", "match_probability").write.parquet(out)
        return pl.read_parquet(str(Path(out) / "*.parquet"))


def _one_to_one(pairs: pl.DataFrame) -> pl.DataFrame:
    """Each side's best candidate only, and only where the other side agrees (ties kept)."""
    score = pl.col("score")
    return pairs.filter((score == score.max().over("left_id")) & (score == score.max().over("right_id")))


def link_fuzzy(left: pl.DataFrame, right: pl.DataFrame, *, settings: LinkSettings) -> pl.DataFrame:
    """Prepared frames → pairs with method "fuzzy" and Splink's match probability (≥ settings.threshold) as
    score, sorted by left_id, right_id."""
    if left.is_empty() or right.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    lam = prior(left, right)
    lhs, rhs = splink_input(left), splink_input(right)
    if settings.backend == "spark":
        raw = _predict_spark(lhs, rhs, lam, settings.threshold, settings.spark_master)
    else:
        raw = _predict_duckdb(lhs, rhs, lam, settings.threshold)
    pairs = raw.select(
        pl.col("unique_id_l").cast(pl.String).alias("left_id"),
        pl.col("unique_id_r").cast(pl.String).alias("right_id"),
        pl.col("match_probability").cast(pl.Float64).round(6).alias("score"),
        pl.lit(METHOD_FUZZY).alias("method"),
    ).filter(pl.col("score") >= settings.threshold)
    if settings.one_to_one:
        pairs = _one_to_one(pairs)
    return pairs.sort("left_id", "right_id")
