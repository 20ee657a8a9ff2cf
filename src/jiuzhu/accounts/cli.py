"""What the `jiuzhu` commands share when they act for a user: the named login and the region they act on."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.regions.models import Level, Region


def command_user(username: str | None) -> User | None:
    """The active login named by --user, or None when none was named; an unknown or inactive one is an error."""
    if not username:
        return None
    user = User.objects.select_related("region").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("用户 %(u)s 不存在或已停用") % {"u": username})
    return user


def command_region(code: str, user: User | None) -> Region:
    """The region named by --region, else the user's, else the database's only county."""
    if code:
        region = Region.objects.filter(code=code.ljust(12, "0")).first()
        if region is None:
            raise CommandError(_("区划 %(c)s 不存在") % {"c": code})
        return region
    if user is not None and user.region is not None:
        return user.region
    counties = list(Region.objects.filter(level=Level.COUNTY)[:2])
    if len(counties) != 1:
        raise CommandError(_("请用 --region 指定县或乡镇（街道）区划代码"))
    return counties[0]
