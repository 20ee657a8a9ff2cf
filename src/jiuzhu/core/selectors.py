from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jiuzhu.core.models import AuditEntry
from jiuzhu.core.scope import scope_q

if TYPE_CHECKING:  # core stands below accounts: the user type is for the checker only
    from jiuzhu.accounts.models import User


def audit_entries_visible(*, user: User) -> QuerySet[AuditEntry]:
    """Entries about the auditor's region; entries without a region (logins, system jobs) for county users."""
    qs = AuditEntry.objects.all()
    if user.is_county_level:
        return qs.filter(scope_q(user) | Q(region_code=""))
    return qs.filter(scope_q(user))


def audit_search(
    *,
    user: User,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = audit_entries_visible(user=user)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-seq")
