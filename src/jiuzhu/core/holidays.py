"""The county admin's holiday overrides (节假日与调休): writes and the list the 节假日 page shows.
The working-day calendar that reads them is core.workdays."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.audit import audit_record
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.models import AuditAction, HolidayOverride

if TYPE_CHECKING:
    from jiuzhu.accounts.models import User


def _require_manager(actor: User) -> None:
    if not actor.has_capability(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def holiday_overrides() -> QuerySet[HolidayOverride]:
    """Every override, by date: the calendar is county-wide, so there is no region to scope by."""
    return HolidayOverride.objects.order_by("date")


@transaction.atomic
def holiday_override_set(*, actor: User, date: dt.date, is_workday: bool, note: str = "") -> HolidayOverride:
    _require_manager(actor)
    row, created = HolidayOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note, "updated_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="holiday_override",
        object_id=date.isoformat(),
        summary=_("%(d)s 设为%(k)s") % {"d": date.isoformat(), "k": _("工作日") if is_workday else _("休息日")},
        after={"is_workday": is_workday, "note": note},
    )
    return row


@transaction.atomic
def holiday_override_delete(*, actor: User, date: dt.date) -> None:
    _require_manager(actor)
    deleted, _n = HolidayOverride.objects.filter(date=date).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="holiday_override",
            object_id=date.isoformat(),
            summary=_("取消 %(d)s 的节假日调整") % {"d": date.isoformat()},
        )
