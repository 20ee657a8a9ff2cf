"""What the scan and the single-household recompute share: the rules' results for a frame of households
written back in bulk — new monitored households and their first assessment, changed levels and categories,
and the two-monthly assessments that fell due. Updates go by groups of equal values (a handful of UPDATE …
WHERE id IN …), never row by row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

import polars as pl
from django.db.models import QuerySet
from django.utils import timezone

from jiuzhu.core.bulk import bulk_insert, read_frame, reserve_ids
from jiuzhu.monitoring import rules
from jiuzhu.monitoring.models import Assessment, AssessmentKind, MonitoredHousehold, Status
from jiuzhu.policy.rules.params import col

EXISTING_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "household_id": pl.Int64,
    "category": pl.String,
    "level": pl.String,
    "status": pl.String,
    "recorded_factors": pl.String,
    "next_assessment": pl.Date,
    "in_poverty_register": pl.Boolean,
}
PROTECTED = ("tekun", "dibao")  # categories that win over the poverty register's
_CHUNK = 10_000
T = TypeVar("T")


def batched(ids: list[T], size: int = _CHUNK) -> list[list[T]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


@dataclass
class Applied:
    households: int = 0
    enrolled: int = 0
    changed: int = 0
    assessed: int = 0


def existing_frame(qs: QuerySet[MonitoredHousehold]) -> pl.DataFrame:
    return read_frame(qs.values_list(*EXISTING_SCHEMA), EXISTING_SCHEMA)


def _results(facts: pl.DataFrame, on: dt.date, register: pl.DataFrame | None) -> pl.DataFrame:
    months = pl.col(col("monitoring.assessment_months"))
    base = facts.select(
        "household_id",
        "region_code",
        pl.lit(on, dtype=pl.Date).dt.offset_by(pl.format("{}mo", months)).alias("next"),
    )
    out = base.join(rules.warning_level(facts, marked=True), on="household_id").join(
        rules.candidate_category(facts, marked=True), on="household_id"
    )
    if register is not None:
        out = out.join(register.select("household_id").unique().with_columns(reg=pl.lit(True)), on="household_id",
                       how="left")  # fmt: skip
    else:
        out = out.with_columns(reg=pl.lit(None, dtype=pl.Boolean))
    cand = pl.col("category")
    return out.with_columns(
        reg=pl.col("reg").fill_null(False),
        cand=pl.when(cand.is_in(PROTECTED)).then(cand).when(pl.col("reg")).then(pl.lit("poverty")).otherwise(cand),
    )


def _assessments(frame: pl.DataFrame, kind: pl.Expr, on: dt.date, actor_id: int | None) -> pl.DataFrame:
    return frame.select(
        pl.col("id").alias("monitored_id"),
        "region_code",
        kind.alias("kind"),
        pl.col("new_category").alias("category"),
        pl.col("new_level").alias("level"),
        pl.col("factors").list.join(",").alias("factors"),
        pl.col("reasons").list.join("\n").alias("reasons"),
        pl.lit("").alias("note"),
        pl.lit(on, dtype=pl.Date).alias("assessed_on"),
        pl.lit(actor_id, dtype=pl.Int64).alias("assessed_by_id"),
        pl.lit(timezone.now()).alias("created_at"),
    )


def _update_by_groups(frame: pl.DataFrame, by: list[str], fields: dict[str, str]) -> None:
    """Sets the model fields from the frame's columns (fields: model field → column), one UPDATE per group
    of equal values and chunk of ids."""
    for _key, group in frame.group_by(by):
        first = group.row(0, named=True)
        values = {field: first[column] for field, column in fields.items()}
        for chunk in batched(group["id"].to_list()):
            MonitoredHousehold.objects.filter(id__in=chunk).update(**values, updated_at=timezone.now())


def apply(
    facts: pl.DataFrame,
    existing: pl.DataFrame,
    *,
    on: dt.date,
    actor_id: int | None,
    enrol: bool,
    register: pl.DataFrame | None = None,
) -> Applied:
    """Writes the rules' results for `facts` (facts.gather) against the `existing` monitored rows. `enrol`:
    candidates not yet monitored are enrolled; `register`: household_ids named by the poverty register."""
    if facts.height == 0:
        return Applied()
    results = _results(facts, on, register)
    frame = results.join(existing, on="household_id", how="left")
    applied = Applied(households=facts.height)

    new = frame.filter(pl.col("id").is_null() & pl.col("cand").is_not_null()) if enrol else frame.head(0)
    if new.height:
        ids = reserve_ids(MonitoredHousehold, new.height)
        new = new.with_columns(id=pl.Series(ids, dtype=pl.Int64), new_category=pl.col("cand"), new_level="level")
        bulk_insert(
            MonitoredHousehold,
            new.select(
                "id",
                "household_id",
                "region_code",
                pl.col("new_category").alias("category"),
                pl.col("reg").alias("in_poverty_register"),
                pl.col("new_level").alias("level"),
                pl.lit(on, dtype=pl.Date).alias("level_since"),
                pl.lit("").alias("recorded_factors"),
                pl.lit(Status.MONITORING.value).alias("status"),
                pl.lit(on, dtype=pl.Date).alias("enrolled_on"),
                pl.col("next").alias("next_assessment"),
                pl.lit(timezone.now()).alias("updated_at"),
            ),
        )
        bulk_insert(Assessment, _assessments(new, pl.lit(AssessmentKind.ENROL.value), on, actor_id))
        applied.enrolled = new.height

    old = frame.filter(pl.col("id").is_not_null())
    if old.height == 0:
        return applied
    cand, category = pl.col("cand"), pl.col("category_right")
    old = old.with_columns(
        new_category=pl.when(cand.is_in(PROTECTED))
        .then(cand)
        .when(pl.col("in_poverty_register") | pl.col("reg"))
        .then(pl.lit("poverty"))
        .when(cand.is_not_null())
        .then(cand)
        .otherwise(category),
        new_level=pl.when(pl.col("status") == Status.ELIMINATED.value).then(pl.lit("none")).otherwise("level"),
        new_register=pl.col("in_poverty_register") | pl.col("reg"),
        due=pl.col("next_assessment") <= on,
    )
    old = old.with_columns(
        level_changed=pl.col("new_level") != pl.col("level_right"),
        changed=(pl.col("new_level") != pl.col("level_right")) | (pl.col("new_category") != category),
    )
    touched = old.filter(pl.col("changed") | pl.col("due"))
    if touched.height:
        kind = (
            pl.when(pl.col("due"))
            .then(pl.lit(AssessmentKind.SCHEDULED.value))
            .otherwise(pl.lit(AssessmentKind.CHANGE.value))
        )
        bulk_insert(Assessment, _assessments(touched, kind, on, actor_id))
    changed = old.filter(pl.col("changed"))
    relevelled = changed.filter(pl.col("level_changed")).with_columns(since=pl.lit(on, dtype=pl.Date))
    _update_by_groups(relevelled, ["new_level"], {"level": "new_level", "level_since": "since"})
    _update_by_groups(changed, ["new_category"], {"category": "new_category"})
    _update_by_groups(
        old.filter(pl.col("new_register") & ~pl.col("in_poverty_register")), ["new_register"],
        {"in_poverty_register": "new_register"},
    )  # fmt: skip
    _update_by_groups(old.filter(pl.col("due")), ["next"], {"next_assessment": "next"})
    applied.changed = changed.height
    applied.assessed = int(old["due"].sum())
    return applied
