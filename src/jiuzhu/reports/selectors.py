"""Reads of the reports app, always region-scoped: a user sees the snapshot rows, targets and households of
the regions under their own, never a figure of a region above or beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import prefix_q, require_scope, scope_q
from jiuzhu.payments.models import PayrollLine, add_months, first_of_month
from jiuzhu.regions.models import Level, Region, level_of_code
from jiuzhu.registry.models import Household
from jiuzhu.registry.selectors import households_visible
from jiuzhu.reports.figures import FIELDS

__all__ = ["FIELDS"]
from jiuzhu.reports.models import ALL_PROGRAMS, Snapshot, Target
from jiuzhu.reports.services.snapshots import COVERING_KINDS, paid_lines_q

Row = dict[str, int]


@dataclass(frozen=True)
class RegionScope:
    """The command line's reader: the whole of one region (the operator of the server, as every command)."""

    region: Region

    @property
    def scope_prefix(self) -> str:
        return self.region.prefix

    def has_capability(self, capability: object) -> bool:
        del capability
        return True


Reader = User | RegionScope


def snapshots_visible(*, user: Reader) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(scope_q(user))


def targets_visible(*, user: Reader) -> QuerySet[Target]:
    return Target.objects.filter(scope_q(user))


def report_region(*, user: Reader, code: str = "") -> Region:
    """The region a report is asked for: the user's own by default; one outside the scope does not exist."""
    if not user.scope_prefix or user.region is None:
        raise Http404
    if not code:
        return user.region
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    require_scope(user, region.code)
    return region


def months_built(*, user: Reader, region: Region) -> list[dt.date]:
    """The months with a snapshot of the region, newest first."""
    qs = snapshots_visible(user=user).filter(region_code=region.code, program=ALL_PROGRAMS, total_fen__gt=0)
    return list(qs.order_by("-month").values_list("month", flat=True))


def _values(qs: QuerySet[Snapshot]) -> list[dict[str, Any]]:
    return list(qs.values("month", "region_code", "program", *FIELDS))


def rows_of_month(*, user: Reader, region: Region, month: dt.date) -> dict[str, Row]:
    """The region's rows of the month, by programme ("" = every programme)."""
    qs = snapshots_visible(user=user).filter(region_code=region.code, month=first_of_month(month))
    return {r["program"]: r for r in _values(qs)}


def rows_between(*, user: Reader, region: Region, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The region's rows of every programme from `first` to `last` (inclusive)."""
    qs = snapshots_visible(user=user).filter(region_code=region.code, month__range=(first, last))
    return _values(qs.order_by("month", "program"))


def trend_rows(*, user: Reader, region: Region, last: dt.date, months: int = 24) -> list[dict[str, Any]]:
    return rows_between(user=user, region=region, first=add_months(first_of_month(last), 1 - months), last=last)


def child_regions(*, user: Reader, region: Region) -> list[Region]:
    """The regions one level below (the county's townships, a township's villages), within scope."""
    return list(Region.objects.filter(scope_q(user, "code"), parent=region).order_by("code"))


def children_rows(*, user: Reader, region: Region, month: dt.date) -> list[dict[str, Any]]:
    """Every programme's rows of the month of the regions one level below."""
    if region.level >= Level.VILLAGE:
        return []
    qs = snapshots_visible(user=user).filter(
        prefix_q(region.prefix), level=region.level + 1, month=first_of_month(month)
    )
    return _values(qs)


def targets_of(*, user: Reader, region: Region, year: int) -> dict[str, Target]:
    qs = targets_visible(user=user).filter(region_code=region.code, year=year)
    return {t.program: t for t in qs}


def households_behind(
    *, user: User, region: Region, month: dt.date, programs: tuple[str, ...] = ()
) -> QuerySet[Household]:
    """The households a figure counts: covered in the month (by one of `programs`, or any), in the region,
    within the user's scope."""
    require_scope(user, region.code)
    lines = PayrollLine.objects.filter(paid_lines_q(month), prefix_q(region.prefix), kind__in=COVERING_KINDS)
    if programs:
        lines = lines.filter(program__in=programs)
    return (
        households_visible(user=user)
        .filter(pk__in=lines.values("household_id"))
        .select_related("region")
        .order_by("region_code", "number")
    )


def level_of(code: str) -> int:
    return int(level_of_code(code))
