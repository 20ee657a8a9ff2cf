"""Reads of the matching app, always scoped to the user's region: the findings ledger, its summary per rule
and township, the data sets (county staff who run matching), and what the registers say about one household."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import pii
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import code_range, scope_q
from jiuzhu.matching.kinds import Kind, fields_of
from jiuzhu.matching.models import OPEN_STATUSES, DataSet, Finding, FindingStatus, Run
from jiuzhu.matching.services.datasets import data_root
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Person


def findings_visible(*, user: User) -> QuerySet[Finding]:
    if not user.has_capability(Capability.VIEW_FINDINGS):
        return Finding.objects.none()
    return Finding.objects.filter(scope_q(user))


def finding_get(*, user: User, pk: int) -> Finding:
    qs = findings_visible(user=user).select_related("household", "person", "handler", "run")
    return get_object_or_404(qs, pk=pk)


# Filter values beside the statuses: every open status (待核实, 核实中, 属实 not yet rectified), every closed one.
OPEN = "open"
CLOSED = "closed"


@dataclass(frozen=True)
class FindingFilter:
    rule: str = ""
    status: str = ""  # a FindingStatus, OPEN or CLOSED
    township: str = ""  # a 9-digit prefix, or any region's prefix (the dashboard's figures link here)
    overdue: bool = False
    q: str = ""


def findings_filtered(*, user: User, f: FindingFilter, today: dt.date | None = None) -> QuerySet[Finding]:
    qs = findings_visible(user=user).select_related("household", "person")
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status == CLOSED:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.township:
        qs = qs.filter(region_code__startswith=f.township)
    if f.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today or timezone.localdate())
    if f.q:
        qs = qs.filter(Q(household__number=f.q) | Q(household__head_name=f.q) | Q(person__name=f.q))
    return qs.order_by("deadline", "id")


def townships_of(*, user: User) -> list[Region]:
    """The townships a user may filter by: all of the county's for county staff, their own for a township."""
    prefix = user.scope_prefix or ""
    if not prefix:
        return []
    return list(Region.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).order_by("code"))


def findings_summary(*, user: User, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per rule and township: found, confirmed (属实 or 已整改), rectified, unfounded, still open, overdue."""
    today = today or timezone.localdate()
    rows = (
        findings_visible(user=user)
        .annotate(township=Substr("region_code", 1, 9))
        .values("rule", "township")
        .annotate(
            found=Count("id"),
            confirmed=Count("id", filter=Q(status__in=[FindingStatus.CONFIRMED, FindingStatus.RECTIFIED])),
            rectified=Count("id", filter=Q(status=FindingStatus.RECTIFIED)),
            unfounded=Count("id", filter=Q(status=FindingStatus.UNFOUNDED)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        )
        .order_by("rule", "township")
    )
    names = dict(Region.objects.filter(code__in={r["township"] + "000" for r in rows}).values_list("code", "name"))
    return [{**r, "township_name": names.get(r["township"] + "000", r["township"])} for r in rows]


def findings_todo(*, user: User, today: dt.date | None = None) -> dict[str, int]:
    """The home page's counts for someone who verifies findings."""
    today = today or timezone.localdate()
    if not user.has_capability(Capability.VERIFY_FINDING):
        return {}
    qs = findings_visible(user=user).filter(status__in=OPEN_STATUSES)
    return {"open": qs.count(), "overdue": qs.filter(deadline__lt=today).count()}


# The household page's read, compiled once per process (core.prepared).
_findings_of = prepared(
    lambda household_id, low, high: Finding.objects.filter(
        region_code__range=(low, high), household_id=household_id
    ).order_by("-id")[:20]
)


def findings_of_household(*, user: User, household: Household) -> list[Finding]:
    """The household's latest 20 findings in the user's scope (none for who may not see findings)."""
    prefix = getattr(user, "scope_prefix", None)
    if not user.has_capability(Capability.VIEW_FINDINGS) or not prefix:
        return []
    return _findings_of(household.pk, *code_range(prefix))


def datasets_visible(*, user: User) -> QuerySet[DataSet]:
    """External lists hold the whole county's (and others') personal data: only who imports them sees them."""
    if not user.has_capability(Capability.RUN_MATCHING):
        return DataSet.objects.none()
    return DataSet.objects.select_related("uploaded_by")


def runs_visible(*, user: User) -> QuerySet[Run]:
    if not user.has_capability(Capability.RUN_MATCHING):
        return Run.objects.none()
    return Run.objects.filter(scope_q(user)).order_by("-created_at")


# ───────────────────────────── one household against the registers ─────────────────────────────


def _details(kind: str, row: dict[str, Any]) -> str:
    person = {"name", "id_number", "gender", "birth_date", "address"}
    parts = []
    for f in fields_of(kind):
        value = row.get(f.name)
        if f.name in person or value is None or value == "":
            continue
        if f.type.value == "money":
            fen = abs(int(value))
            value = f"{'-' if int(value) < 0 else ''}{fen // 100}.{fen % 100:02d}"
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        parts.append(f"{_(f.label)}：{value}")
    return "；".join(parts)


def household_matches(*, household: Household) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the latest data set of each kind about the household's living members: on their ID number,
    or on name and birth date where the list has no valid number. The caller has checked scope.
    Returns (matches, datasets compared)."""
    members = list(Person.objects.filter(household=household, date_of_death__isnull=True))
    if not members:
        return [], []
    numbers = dict(zip(pii.decrypt_many([m.id_number_enc for m in members]), members, strict=True))
    by_name_birth = {(m.name, m.birth_date): m for m in members}
    matches: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    for kind in Kind.values:
        ds = DataSet.objects.filter(kind=kind).order_by("-received_on", "-id").first()
        path = data_root() / ds.parquet_path if ds else None
        if ds is None or path is None or not path.exists():
            continue
        compared.append({"id": ds.pk, "kind": kind, "source": ds.source, "received_on": ds.received_on.isoformat()})
        names = [m.name for m in members]
        rows = (
            pl.scan_parquet(path)
            .filter(
                pl.col("id_norm").is_in(list(numbers)) | (pl.col("id_norm").is_null() & pl.col("name").is_in(names))
            )
            .collect()
        )
        for row in rows.iter_rows(named=True):
            person = (
                numbers.get(row["id_norm"]) if row["id_norm"] else by_name_birth.get((row["name"], row["birth_date"]))
            )
            if person is None:
                continue
            matches.append({
                "kind": kind, "kind_label": str(Kind(kind).label), "source": ds.source,
                "received_on": ds.received_on.isoformat(), "person_id": person.pk, "name": person.name,
                "method": "exact" if row["id_norm"] else "name_birth", "details": _details(kind, row),
            })  # fmt: skip
    return matches, compared


def matches_by_person(matches: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in matches:
        out[m["name"]].append(m)
    return dict(out)
