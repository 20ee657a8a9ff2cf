from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from jiuzhu.core.scope import scope_q
from jiuzhu.regions.models import Level, Region

if TYPE_CHECKING:  # regions stand below accounts: the user type is for the checker only
    from jiuzhu.accounts.models import User


def regions_visible(*, user: User) -> QuerySet[Region]:
    return Region.objects.filter(scope_q(user, "code"))


def villages_visible(*, user: User) -> QuerySet[Region]:
    return regions_visible(user=user).filter(level=Level.VILLAGE).select_related("parent")


def child_regions(*, user: User) -> QuerySet[Region]:
    """The level below the user's own region: townships for the county, villages for a township."""
    if user.region is None:
        return Region.objects.none()
    return user.region.children.order_by("code")
