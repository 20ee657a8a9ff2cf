"""The public account (慈善公开): what the portal shows without a login. Nothing personal: amounts, purposes,
townships and villages, and names masked as a public notice masks them. Read from the ledger (FundEntry), so
the published totals are the ledger's sums by construction.

Re-exported from charity.selectors; the portal calls `public_account`, `public_needs`, `public_disbursements`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from jiuzhu.charity.models import (
    Campaign,
    Disbursement,
    DisbursementStatus,
    Donation,
    DonationKind,
    EntryKind,
    FundEntry,
    Need,
    NeedStatus,
    Purpose,
)
from jiuzhu.core.pii import mask_name
from jiuzhu.core.scope import prefix_q

ZERO = Decimal("0.00")


def _total() -> Coalesce:
    return Coalesce(Sum("amount"), ZERO)


def _q(value: Decimal | int) -> Decimal:
    """Two decimal places whatever the database's SUM returned (SQLite drops trailing zeros)."""
    return Decimal(value).quantize(ZERO)


@dataclass(frozen=True)
class PurposeTotals:
    purpose: str
    label: str
    received: Decimal  # money donated in the year
    disbursed: Decimal  # money paid out (approved) in the year
    balance: Decimal  # what the funds of this purpose held at the end of the year (or today, for this year)


@dataclass(frozen=True)
class MonthTotals:
    month: int  # 1–12
    received: Decimal
    disbursed: Decimal


@dataclass(frozen=True)
class CampaignTotals:
    pk: int
    name: str
    purpose_label: str
    starts_on: dt.date
    ends_on: dt.date
    goal: Decimal
    raised: Decimal  # money received
    goods_value: Decimal  # goods received, at their valued amount
    donations: int


@dataclass(frozen=True)
class PublicAccount:
    year: int
    by_purpose: list[PurposeTotals]
    by_month: list[MonthTotals]
    campaigns: list[CampaignTotals]
    received: Decimal
    disbursed: Decimal
    balance: Decimal
    goods_value: Decimal  # goods are not in the funds: shown apart, never in the balance


@dataclass(frozen=True)
class PublicNeed:
    pk: int
    title: str
    purpose: str
    purpose_label: str
    township: str
    target: Decimal
    raised: Decimal
    beneficiary: str  # "张**家庭"
    description: str
    posted_on: dt.date
    status: str
    status_label: str


@dataclass(frozen=True)
class PublicDisbursement:
    recipient: str  # masked: 张*三
    village: str
    category: str
    category_label: str
    amount: Decimal
    on: dt.date


def _region(qs: QuerySet, region_prefix: str) -> QuerySet:  # type: ignore[type-arg]
    return qs.filter(prefix_q(region_prefix)) if region_prefix else qs


def family_mask(head_name: str) -> str:
    """张**家庭: the surname only, as the needs page names a family."""
    return f"{head_name[:1]}**家庭" if head_name else "**家庭"


def public_account(*, year: int | None = None, region_prefix: str = "") -> PublicAccount:
    """Totals by purpose and by month for one calendar year (this year by default), the balance at its end, and
    the campaigns that ran in it. `region_prefix` limits it to one county's funds."""
    year = year or timezone.localdate().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # order_by(): the model's default ordering would otherwise split every group by fund and id.
    entries = _region(FundEntry.objects.order_by(), region_prefix)
    in_year = entries.filter(on__range=(start, end))
    received_by = dict(
        in_year.filter(kind=EntryKind.DONATION).values("purpose").annotate(t=_total()).values_list("purpose", "t")
    )
    disbursed_by = dict(
        in_year.filter(kind=EntryKind.DISBURSEMENT).values("purpose").annotate(t=_total()).values_list("purpose", "t")
    )
    balance_by = dict(entries.filter(on__lte=end).values("purpose").annotate(t=_total()).values_list("purpose", "t"))
    by_purpose = [
        PurposeTotals(
            purpose=p.value,
            label=str(p.label),
            received=_q(received_by.get(p.value, ZERO)),
            disbursed=_q(-disbursed_by.get(p.value, ZERO)),
            balance=_q(balance_by.get(p.value, ZERO)),
        )
        for p in Purpose
    ]
    months: dict[int, dict[str, Decimal]] = {m: {} for m in range(1, 13)}
    for month, kind, total in (
        in_year.annotate(m=ExtractMonth("on")).values("m", "kind").annotate(t=_total()).values_list("m", "kind", "t")
    ):
        months[month][kind] = total
    by_month = [
        MonthTotals(
            month=m,
            received=_q(months[m].get(EntryKind.DONATION.value, ZERO)),
            disbursed=_q(-months[m].get(EntryKind.DISBURSEMENT.value, ZERO)),
        )
        for m in range(1, 13)
    ]
    goods = _region(Donation.objects.filter(kind=DonationKind.GOODS, received_on__range=(start, end)), region_prefix)
    return PublicAccount(
        year=year,
        by_purpose=by_purpose,
        by_month=by_month,
        campaigns=_campaign_totals(start, end, region_prefix),
        received=sum((p.received for p in by_purpose), ZERO),
        disbursed=sum((p.disbursed for p in by_purpose), ZERO),
        balance=sum((p.balance for p in by_purpose), ZERO),
        goods_value=_q(goods.aggregate(t=_total())["t"]),
    )


def _campaign_totals(start: dt.date, end: dt.date, region_prefix: str) -> list[CampaignTotals]:
    campaigns = _region(Campaign.objects.filter(starts_on__lte=end, ends_on__gte=start), region_prefix)
    rows = campaigns.annotate(
        raised=Coalesce(Sum("donations__amount", filter=Q(donations__kind=DonationKind.MONEY)), ZERO),
        goods_value=Coalesce(Sum("donations__amount", filter=Q(donations__kind=DonationKind.GOODS)), ZERO),
        n=Count("donations"),
    ).order_by("-starts_on", "id")
    return [
        CampaignTotals(
            pk=c.pk,
            name=c.name,
            purpose_label=c.get_purpose_display(),
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            goal=c.goal,
            raised=_q(c.raised),
            goods_value=_q(c.goods_value),
            donations=c.n,
        )
        for c in rows
    ]


def need_rows(qs: QuerySet[Need]) -> list[PublicNeed]:
    """Needs as the public sees them (also used by the officers' list for its masked column)."""
    rows = qs.select_related("household", "household__region", "household__region__parent").annotate(
        raised_sum=Coalesce(Sum("donations__amount", filter=Q(donations__kind=DonationKind.MONEY)), ZERO)
    )
    out = []
    for need in rows:
        village = need.household.region
        township = village.parent.name if village.parent is not None else village.name
        out.append(
            PublicNeed(
                pk=need.pk,
                title=need.title,
                purpose=need.purpose,
                purpose_label=need.get_purpose_display(),
                township=township,
                target=need.target,
                raised=_q(need.raised_sum),
                beneficiary=family_mask(need.household.head_name),
                description=need.description,
                posted_on=need.posted_on,
                status=need.status,
                status_label=need.get_status_display(),
            )
        )
    return out


def public_needs(*, region_prefix: str = "", include_met: bool = False) -> list[PublicNeed]:
    """Open needs, newest first (and the met ones too when asked, for a "已筹满" list)."""
    statuses = [NeedStatus.OPEN, NeedStatus.MET] if include_met else [NeedStatus.OPEN]
    return need_rows(_region(Need.objects.filter(status__in=statuses), region_prefix).order_by("-posted_on", "-id"))


def public_disbursements(*, year: int, month: int | None = None, region_prefix: str = "") -> list[PublicDisbursement]:
    """Money paid out (approved or paid) in a year or one month of it: masked name, village, category, amount,
    the date the money left the fund."""
    qs = _region(
        Disbursement.objects.filter(
            status__in=[DisbursementStatus.APPROVED, DisbursementStatus.PAID], decided_on__year=year
        ),
        region_prefix,
    )
    if month:
        qs = qs.filter(decided_on__month=month)
    qs = qs.select_related("household__region").order_by("decided_on", "id")
    return [
        PublicDisbursement(
            recipient=mask_name(d.recipient_name),
            village=d.household.region.name,
            category=d.category,
            category_label=d.get_category_display(),
            amount=d.amount,
            on=d.decided_on or d.proposed_on,
        )
        for d in qs
    ]
