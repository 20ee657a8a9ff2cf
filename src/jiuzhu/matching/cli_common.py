"""What the matching sub-commands share: who acts."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, Role, User


def acting_user(username: str) -> User:
    """The named user, or else the county's first active approver (who imports and runs cross-checks)."""
    users = User.objects.select_related("region").filter(is_active=True)
    user = users.filter(username=username).first() if username else users.filter(role=Role.COUNTY_APPROVER).first()
    if user is None:
        raise CommandError(_("找不到用户 %(u)s，请用 --user 指定") % {"u": username or Role.COUNTY_APPROVER.label})
    if not user.has_capability(Capability.RUN_MATCHING):
        raise CommandError(_("用户 %(u)s 无权导入外部数据和运行比对") % {"u": user.username})
    return user
