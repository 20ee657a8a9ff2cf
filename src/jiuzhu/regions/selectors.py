from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import scope_q
from jiuzhu.regions.models import Level, Region

if TYPE_CHECKING:  # regions stand below accounts: the user type is for the checker only
    from jiuzhu.accounts.models import User


def regions_visible(*, user: User) -> QuerySet[Region]:
    return Region.objects.filter(scope_q(user, "code"))


def villages_visible(*, user: User) -> QuerySet[Region]:
    return regions_visible(user=user).filter(level=Level.VILLAGE).select_related("parent")


# Compiled once per process (core.prepared): the search form and the lists show these on every request.
_children = prepared(lambda parent_id: Region.objects.filter(parent_id=parent_id).order_by("code"))


def child_regions(*, user: User) -> list[Region]:
    """The level below the user's own region: townships for the county, villages for a township."""
    if user.region_id is None:
        return []
    return _children(user.region_id)
