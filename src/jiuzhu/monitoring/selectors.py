"""Reads of the monitoring app, always limited to the user's region subtree (or a region prefix the caller
took from a user). `monitoring_counts` is what the reports app's dashboards call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import code_range, prefix_q, scope_q
from jiuzhu.monitoring.models import Assessment, Measure, MonitoredHousehold, ScanJob, Status
from jiuzhu.regions.models import PREFIX_LENGTH

TOWNSHIP_PREFIX = 9  # the first nine digits of a 12-digit code name the township (乡镇/街道)


def monitored_visible(*, user: User) -> QuerySet[MonitoredHousehold]:
    return MonitoredHousehold.objects.filter(scope_q(user))


def monitored_get(*, user: User, pk: int) -> MonitoredHousehold:
    """The monitored household, or 404 when it does not exist or lies outside the user's region."""
    return get_object_or_404(
        monitored_visible(user=user).select_related("household", "household__region", "household__region__parent"),
        pk=pk,
    )


# The household page's read, compiled once per process (core.prepared).
_monitored_of = prepared(
    lambda household_id, low, high: MonitoredHousehold.objects.filter(
        region_code__range=(low, high), household_id=household_id
    ).order_by("region_code", "id")[:1]
)


def monitored_of_household(*, user: User, household_id: int) -> MonitoredHousehold | None:
    prefix = getattr(user, "scope_prefix", None)
    found = _monitored_of(household_id, *code_range(prefix)) if prefix else []
    return found[0] if found else None


@dataclass(frozen=True)
class MonitoredFilter:
    category: str = ""
    level: str = ""
    township: str = ""  # a 9-digit township prefix, or any region's prefix (the dashboard's figures link here)
    due: bool = False  # assessment due on or before `on`
    status: str = ""  # monitoring | eliminated | "" (both)


def monitored_list(*, user: User, f: MonitoredFilter, on: dt.date) -> QuerySet[MonitoredHousehold]:
    qs = monitored_visible(user=user).select_related("household", "household__region")
    if f.category:
        qs = qs.filter(category=f.category)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.township.isdigit() and len(f.township) in PREFIX_LENGTH.values():
        qs = qs.filter(prefix_q(f.township))
    if f.due:
        qs = qs.filter(next_assessment__lte=on)
    if f.status in Status.values:
        qs = qs.filter(status=f.status)
    return qs.order_by("region_code", "id")


def assessments_of(*, monitored: MonitoredHousehold) -> QuerySet[Assessment]:
    return monitored.assessments.select_related("assessed_by").order_by("-assessed_on", "-id")


def measures_of(*, monitored: MonitoredHousehold) -> QuerySet[Measure]:
    return monitored.measures.select_related("recorded_by").order_by("-taken_on", "-id")


def new_red_warnings(*, user: User) -> QuerySet[MonitoredHousehold]:
    """Red warnings no measure has answered yet: monitored, level red, and no measure taken on or after the
    day the level turned red. What the township's to-do list shows."""
    answered = Measure.objects.filter(monitored=OuterRef("pk"), taken_on__gte=OuterRef("level_since"))
    return (
        monitored_visible(user=user)
        .filter(status=Status.MONITORING, level="red")
        .filter(~Exists(answered))
        .select_related("household")
        .order_by("level_since", "id")
    )


def assessments_due(*, user: User, on: dt.date) -> QuerySet[MonitoredHousehold]:
    return monitored_visible(user=user).filter(next_assessment__lte=on)


def scan_jobs_visible(*, user: User) -> QuerySet[ScanJob]:
    return ScanJob.objects.filter(scope_q(user))


def monitoring_counts(*, user: User | None = None, prefix: str | None = None, on: dt.date) -> pl.DataFrame:
    """Monitored households per township × category × warning level as they stood on `on`.

    Give `user` (their region scope) or `prefix` (a region-code prefix the caller has already checked
    against the user's scope, e.g. a township the dashboard drilled into); with both, `prefix` must lie
    inside the user's scope or nothing is counted. Read from the assessment history, so any past date works:
    a household counts from its enrolment; its category and level are those of its latest assessment on or
    before `on`; a household whose risk was eliminated on or before `on` has level "none" and status
    "eliminated".

    Returns a Polars frame with columns township (9-digit code prefix, str), category (monitoring.models.
    Category value), level (Level value: red, yellow, blue, none), status (Status value) and households
    (int), one row per combination that occurs; empty frame (same columns) when nothing is monitored.

    Drill-down: the households behind a current figure are the list page with the same filters,
    `reverse("monitoring:list")` + `?township=<9 digits>&category=<Category>&level=<Level>&status=<Status>`
    (scoped to the viewer like every read here)."""
    where = Q()
    if user is not None:
        where &= scope_q(user)
        if prefix is not None and not prefix.startswith(user.scope_prefix or "\0"):
            where &= Q(pk__in=[])
    if prefix is not None:
        where &= prefix_q(prefix)
    if user is None and prefix is None:
        raise ValueError("monitoring_counts needs a user or a prefix")
    qs = Assessment.objects.filter(where, assessed_on__lte=on).values_list(
        "monitored_id", "region_code", "category", "level", "kind", "assessed_on", "id"
    )
    history = read_frame(
        qs,
        {"monitored_id": pl.Int64, "region_code": pl.String, "category": pl.String, "level": pl.String,
         "kind": pl.String, "assessed_on": pl.Date, "id": pl.Int64},
    )  # fmt: skip
    latest = history.sort("assessed_on", "id").group_by("monitored_id").last()
    eliminated = read_frame(
        MonitoredHousehold.objects.filter(where, eliminated_on__lte=on).values_list("id"), {"monitored_id": pl.Int64}
    )
    frame = latest.with_columns(
        status=pl.when(pl.col("monitored_id").is_in(eliminated["monitored_id"].implode()))
        .then(pl.lit(Status.ELIMINATED.value))
        .otherwise(pl.lit(Status.MONITORING.value))
    ).with_columns(level=pl.when(pl.col("status") == Status.ELIMINATED.value).then(pl.lit("none")).otherwise("level"))
    return (
        frame.group_by(pl.col("region_code").str.slice(0, TOWNSHIP_PREFIX).alias("township"), "category", "level",
                       "status")
        .agg(households=pl.len().cast(pl.Int64))
        .sort("township", "category", "level", "status")
    )  # fmt: skip
