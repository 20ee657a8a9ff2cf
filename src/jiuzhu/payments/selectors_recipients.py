"""在保对象名册: who receives which programme in a month, by township, programme and status — the list a
township checks before the payroll and the county hands upward. Reads only, always region-scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import prefix_q
from jiuzhu.payments.models import Entitlement, add_months, first_of_month, persons_count
from jiuzhu.payments.selectors import entitlements_visible

# Ids go into IN lists a chunk at a time (SQLite allows 32 766 variables per statement).
_CHUNK = 10_000


class RecipientStatus:
    """The roster's status filter: what a caseworker means by 在保, 渐退期, 暂停, 停保 in a month."""

    PAYING = "paying"
    GRADUAL = "gradual"
    SUSPENDED = "suspended"
    STOPPED = "stopped"
    CHOICES = (
        (PAYING, _("在保（本月发放）")),
        (GRADUAL, _("渐退期")),
        (SUSPENDED, _("暂停发放")),
        (STOPPED, _("近12个月停保")),
    )
    VALUES = frozenset(v for v, _label in CHOICES)


@dataclass(frozen=True)
class RecipientFilter:
    month: dt.date
    status: str = RecipientStatus.PAYING
    program: str = ""
    region: str = ""  # a region-code prefix inside the user's scope
    text: str = ""  # household number, or the start of the head's name


@dataclass(frozen=True)
class RecipientTotals:
    households: int
    persons: int
    monthly: Decimal


def _status_q(status: str, month: dt.date) -> Q:
    started = Q(start_month__lte=month)
    not_ended = Q(end_month__isnull=True) | Q(end_month__gte=month)
    suspended = Q(suspended_from__lte=month)
    if status == RecipientStatus.SUSPENDED:
        return started & not_ended & suspended
    if status == RecipientStatus.STOPPED:
        # Ended in the twelve months before, and not replaced by a newer link of the same entitlement (a 提标
        # or a review ends one link and starts the next: that household is still paid).
        return Q(end_month__lt=month, end_month__gte=add_months(month, -12), next__isnull=True)
    paying = started & not_ended & ~suspended
    return paying & Q(gradual_exit=True) if status == RecipientStatus.GRADUAL else paying


def recipients(*, user: User, where: RecipientFilter) -> QuerySet[Entitlement]:
    month = first_of_month(where.month)
    status = where.status if where.status in RecipientStatus.VALUES else RecipientStatus.PAYING
    qs = entitlements_visible(user=user).filter(_status_q(status, month))
    if where.program:
        qs = qs.filter(program=where.program)
    if where.region.isdigit():
        qs = qs.filter(prefix_q(where.region))
    text = where.text.strip()
    if text:
        qs = (
            qs.filter(household__number__startswith=text)
            if text.isdigit()
            else qs.filter(household__head_name__startswith=text)
        )
    return qs.select_related("household__region").annotate(persons_count=persons_count())


def recipient_totals(qs: QuerySet[Entitlement]) -> RecipientTotals:
    base = Entitlement.objects.filter(pk__in=qs.values("pk"))
    sums = base.aggregate(households=Count("household", distinct=True), monthly=Sum("monthly_amount"))
    persons = base.aggregate(n=persons_count())["n"] or 0
    return RecipientTotals(sums["households"] or 0, persons, sums["monthly"] or Decimal("0"))


def first_months(rows: Sequence[Entitlement]) -> dict[int, dt.date]:
    """When each entitlement's household began to draw its programme: the start of the first link of its chain
    (a 提标, a review or an amount change ends one link and starts the next, `previous` pointing back)."""
    first = {e.pk: e.start_month for e in rows}
    waiting: dict[int, list[int]] = {}  # an earlier link → the rows whose chain reaches back to it
    for e in rows:
        if e.previous_id is not None:
            waiting.setdefault(e.previous_id, []).append(e.pk)
    while waiting:
        reached: dict[int, list[int]] = {}
        ids = list(waiting)
        for lo in range(0, len(ids), _CHUNK):
            for pk, previous, start in Entitlement.objects.filter(pk__in=ids[lo : lo + _CHUNK]).values_list(
                "pk", "previous_id", "start_month"
            ):
                for origin in waiting[pk]:
                    first[origin] = start
                if previous is not None:
                    reached.setdefault(previous, []).extend(waiting[pk])
        waiting = reached
    return first
