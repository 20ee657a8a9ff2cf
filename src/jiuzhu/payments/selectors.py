"""Reads of entitlements, always limited to the user's region subtree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import scope_q
from jiuzhu.payments.models import Entitlement, first_of_month
from jiuzhu.registry.models import Household


def entitlements_visible(*, user: User) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(scope_q(user)).select_related("household")


def entitlement_get(*, user: User, pk: int) -> Entitlement:
    return get_object_or_404(entitlements_visible(user=user), pk=pk)


def entitlements_of_household(*, household: Household) -> QuerySet[Entitlement]:
    return household.entitlements.prefetch_related("persons").order_by("-start_month", "-id")


def entitlements_paying(*, month: dt.date, region_prefix_q: Q | None = None) -> QuerySet[Entitlement]:
    """Entitlements paid for `month` (payroll reads this): started, not ended, not suspended."""
    m = first_of_month(month)
    qs = Entitlement.objects.filter(start_month__lte=m).filter(Q(end_month__isnull=True) | Q(end_month__gte=m))
    qs = qs.exclude(suspended_from__lte=m)
    if region_prefix_q is not None:
        qs = qs.filter(region_prefix_q)
    return qs
