"""What the public pages read. Nothing here is scoped to a user (there is none): instead every read returns
only what may be published — masked names, household sizes, amounts, dates — never a row object that a
template could follow to a full name, an ID number, an address or a phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from jiuzhu.cases import engine
from jiuzhu.cases.models import Notice
from jiuzhu.core.pii import mask_name
from jiuzhu.payments.models import PERSONS_PREFETCH, Entitlement, first_of_month
from jiuzhu.payments.selectors import entitlements_paying
from jiuzhu.policy.selectors import parameter_value
from jiuzhu.regions.models import Level, Region

# How long an ended notice stays listed under its village: families look it up after the 7 days, too.
NOTICE_RECENT_DAYS = 60


def townships() -> QuerySet[Region]:
    return Region.objects.filter(level=Level.TOWNSHIP).order_by("code")


def township_get(*, code: str) -> Region:
    return get_object_or_404(Region, code=code, level=Level.TOWNSHIP)


def villages_of(*, township: Region) -> QuerySet[Region]:
    return Region.objects.filter(level=Level.VILLAGE, parent=township).order_by("code")


def village_get(*, code: str) -> Region:
    return get_object_or_404(Region.objects.select_related("parent"), code=code, level=Level.VILLAGE)


def villages_all() -> QuerySet[Region]:
    """Every village with its township, for the pickers of the application and the self-check."""
    return Region.objects.filter(level=Level.VILLAGE).select_related("parent").order_by("code")


@dataclass(frozen=True)
class Standard:
    region: str
    urban: Decimal | None
    rural: Decimal | None


def standards_in_force(*, on: dt.date) -> list[Standard]:
    """The 低保 standards in force today for each township (a township may have its own, else the county's)."""
    out = []
    for t in townships():
        urban = parameter_value("dibao.standard.urban", t, on)
        rural = parameter_value("dibao.standard.rural", t, on)
        out.append(Standard(t.name, _dec(urban), _dec(rural)))
    return out


def _dec(value: Decimal | str | None) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


@dataclass(frozen=True)
class PublicNotice:
    public_id: str
    number: str
    start_date: dt.date
    end_date: dt.date
    entries: int
    current: bool


def village_notices(*, village: Region, on: dt.date) -> list[PublicNotice]:
    """The village's notices in their 7 days, and those ended in the last weeks, newest first."""
    since = on - dt.timedelta(days=NOTICE_RECENT_DAYS)
    qs = (
        Notice.objects.filter(village=village, end_date__gte=since, start_date__lte=on)
        .annotate(n=Count("entries"))
        .order_by("-start_date", "-id")
    )
    return [PublicNotice(str(n.public_id), n.number, n.start_date, n.end_date, n.n, n.end_date >= on) for n in qs]


def notice_counts(*, township: Region, on: dt.date) -> dict[str, int]:
    """Per village code of the township, the number of notices currently in their 7 days."""
    rows = (
        Notice.objects.filter(region_code__startswith=township.prefix, start_date__lte=on, end_date__gte=on)
        .values("region_code")
        .annotate(n=Count("id"))
    )
    return {r["region_code"]: r["n"] for r in rows}


@dataclass(frozen=True)
class Recipient:
    masked_name: str
    persons: int
    amount: Decimal


@dataclass(frozen=True)
class ProgramRecipients:
    program: str
    name: str
    recipients: list[Recipient]
    persons: int
    total: Decimal


def standing_publication(*, village: Region, on: dt.date) -> list[ProgramRecipients]:
    """长期公示 ([57] 第二十二条): per programme, who is paid this month in the village — the name masked, the
    number of persons covered and the monthly amount, nothing else."""
    month = first_of_month(on)
    qs: QuerySet[Entitlement] = (
        entitlements_paying(month=month, region_prefix_q=Q(region_code=village.code))
        .select_related("household")
        .prefetch_related(*PERSONS_PREFETCH)
        .order_by("program", "household__number", "id")
    )
    groups: dict[str, list[Recipient]] = {}
    for e in qs:
        person_names = [p.name for p in sorted(e.persons.all(), key=lambda p: p.pk)]
        whom = e.household.head_name if not engine.is_person_program(e.program) else ""
        name = whom or (person_names[0] if person_names else "")
        groups.setdefault(e.program, []).append(Recipient(mask_name(name), len(e.persons.all()), e.monthly_amount))
    return [
        ProgramRecipients(
            code,
            str(engine.program_name(code)),
            rows,
            sum(r.persons for r in rows),
            sum((r.amount for r in rows), Decimal(0)),
        )
        for code, rows in groups.items()
    ]


def publication_counts(*, township: Region, on: dt.date) -> dict[str, int]:
    """Per village code of the township, the number of entitlements paid this month."""
    rows = (
        entitlements_paying(month=first_of_month(on), region_prefix_q=Q(region_code__startswith=township.prefix))
        .values("region_code")
        .annotate(n=Count("id"))
    )
    return {r["region_code"]: r["n"] for r in rows}
