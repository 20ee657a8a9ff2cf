from __future__ import annotations

from django.db.models import QuerySet

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import scope_q


def users_visible(*, user: User) -> QuerySet[User]:
    return (
        User.objects.filter(scope_q(user, "region__code")).select_related("region").order_by("region__code", "username")
    )
