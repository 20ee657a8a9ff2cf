"""The facts the monitoring rules read, gathered in bulk: the registry's households and members (through
policy.inputs, the engine's one schema), the engine's 低保 class, the assistance drawn this month (active
entitlements) and the monitoring parameters resolved per region and date. A few queries for any number of
households; no loop over ORM objects."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Q

from jiuzhu.core.bulk import read_frame
from jiuzhu.core.money import FenOf
from jiuzhu.core.scope import prefix_q
from jiuzhu.monitoring.rules import FACT_COLUMNS, KEYS
from jiuzhu.payments.models import Entitlement, EntitlementStatus, first_of_month
from jiuzhu.policy import inputs
from jiuzhu.policy.rules import evaluate, resolve
from jiuzhu.policy.rules.params import col

DIBAO = ("dibao_urban", "dibao_rural")
TEKUN = ("tekun_central", "tekun_dispersed")


def _aid(where: Q, on: dt.date) -> pl.DataFrame:
    """Per household: the monthly amount (fen) of every entitlement paying in `on`'s month, and whether one
    of them is 低保 or 特困."""
    month = first_of_month(on)
    qs = (
        Entitlement.objects.filter(where, status=EntitlementStatus.ACTIVE, start_month__lte=month)
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=month))
        .filter(Q(suspended_from__isnull=True) | Q(suspended_from__gt=month))
        .annotate(fen=FenOf("monthly_amount"))
        .values_list("household_id", "program", "fen")
    )
    rows = read_frame(qs, {"household_id": pl.Int64, "program": pl.String, "fen": pl.Int64})
    return rows.group_by("household_id").agg(
        aid=pl.col("fen").sum(),
        dibao=pl.col("program").is_in(DIBAO).any(),
        tekun=pl.col("program").is_in(TEKUN).any(),
    )


def gather(
    *,
    prefix: str = "",
    household_id: int | None = None,
    on: dt.date,
    params: pl.DataFrame,
    recorded: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per household under the region-code `prefix` (or the one household), with the columns of
    rules.FACT_COLUMNS, `region_code` and the resolved monitoring parameters. `recorded`: household_id and
    recorded_factors of the monitored households (the caseworkers' factors)."""
    if household_id is not None:
        raw_h, raw_p = inputs.registry_raw(Q(pk=household_id), person_where=Q(household_id=household_id))
        aid = _aid(Q(household_id=household_id), on)
    else:
        raw_h, raw_p = inputs.registry_raw(prefix_q(prefix))
        aid = _aid(prefix_q(prefix), on)
    households, persons = inputs.registry_frames((raw_h, raw_p), on)
    if households.height:
        engine = evaluate(households, persons, params, explain=False).households.select("household_id", "class")
    else:
        engine = pl.DataFrame(schema={"household_id": pl.Int64, "class": pl.String})
    people = persons.join(
        raw_p.select(pl.col("id").alias("person_id"), "employment"), on="person_id", how="left"
    ).filter(pl.col("alive") & ~pl.col("excluded"))
    per = people.group_by("household_id").agg(
        members=pl.len().cast(pl.Int64),
        full_labor=(pl.col("labor") == "full").sum().cast(pl.Int64),
        partial_labor=(pl.col("labor") == "partial").sum().cast(pl.Int64),
        disabled=pl.col("disability_kind").is_not_null().any(),
        ill=pl.col("serious_illness").any(),
        student=pl.col("student").any(),
        unemployed=(pl.col("employment") == "unemployed").any(),
        gross=pl.sum_horizontal(
            "income_wage", "income_business", "income_property", "income_transfer", "income_other"
        ).sum(),
        earned=(pl.col("income_wage") + pl.col("income_business")).sum(),
        rigid=(pl.col("rigid_medical") + pl.col("rigid_rehab")).sum(),
    )
    facts = (
        raw_h.select(pl.col("id").alias("household_id"), pl.col("region_code"))
        .join(per, on="household_id", how="left")
        .join(engine, on="household_id", how="left")
        .join(aid, on="household_id", how="left")
    )
    if recorded is not None and recorded.height:
        facts = facts.join(recorded.select("household_id", "recorded_factors"), on="household_id", how="left")
    else:
        facts = facts.with_columns(recorded_factors=pl.lit(None, dtype=pl.String))
    zero_int = ("members", "full_labor", "partial_labor", "gross", "earned", "rigid", "aid")
    facts = facts.with_columns(
        *(pl.col(c).fill_null(0).cast(pl.Int64) for c in zero_int),
        *(pl.col(c).fill_null(False) for c in ("disabled", "ill", "student", "unemployed", "dibao", "tekun")),
        pl.col("class").fill_null("none"),
    )
    pairs = facts.select(pl.col("region_code").alias("region"), pl.lit(on, dtype=pl.Date).alias("date"))
    if facts.height:
        resolved = resolve(pairs, params, KEYS)
    else:
        resolved = pl.DataFrame(
            schema={"region": pl.String, "date": pl.Date, **dict.fromkeys(map(col, KEYS), pl.Int64)}
        )
    facts = facts.join(resolved.drop("date"), left_on="region_code", right_on="region", how="left")
    return facts.select(*FACT_COLUMNS, "region_code", *(col(k) for k in KEYS))
