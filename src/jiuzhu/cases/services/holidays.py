"""The county's holiday overrides of the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases.models import HolidayOverride
from jiuzhu.cases.services._common import _require
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction


@transaction.atomic
def holiday_override_set(*, actor: User, date: dt.date, is_workday: bool, note: str = "") -> HolidayOverride:
    _require(actor, Capability.MANAGE_PARAMETERS)
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
    _require(actor, Capability.MANAGE_PARAMETERS)
    deleted, _n = HolidayOverride.objects.filter(date=date).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="holiday_override",
            object_id=date.isoformat(),
            summary=_("取消 %(d)s 的节假日调整") % {"d": date.isoformat()},
        )
