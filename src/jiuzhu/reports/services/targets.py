"""Annual targets (目标任务), entered by the county admin."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import MAX_AMOUNT
from jiuzhu.core.scope import require_scope
from jiuzhu.regions.models import Region
from jiuzhu.reports.figures import CATEGORY_BY_KEY
from jiuzhu.reports.models import Target


@transaction.atomic
def target_set(
    *,
    actor: User,
    year: int,
    region: Region,
    program: str,
    persons: int | None,
    money: Decimal | None,
    note: str = "",
) -> Target:
    """Sets (or replaces) the year's target of a statistical category in a region within the actor's scope."""
    if not actor.has_capability(Capability.MANAGE_TARGETS):
        raise PermissionDenied(_("您没有设置目标任务的权限"))
    require_scope(actor, region.code)
    if program not in CATEGORY_BY_KEY:
        raise ValidationError({"program": _("未知的统计类别")})
    if persons is None and money is None:
        raise ValidationError(_("请至少填写目标人数或目标资金之一"))
    if persons is not None and persons < 0:
        raise ValidationError({"persons": _("目标人数不能为负数")})
    if money is not None and (money < 0 or money > MAX_AMOUNT):
        raise ValidationError({"money": _("目标资金超出范围")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度不正确")})
    target = Target.objects.select_for_update().filter(year=year, region_code=region.code, program=program).first()
    before = None if target is None else {"persons": target.persons, "money": str(target.money)}
    if target is None:
        target = Target(year=year, region_code=region.code, program=program)
    target.persons, target.money, target.note, target.updated_by = persons, money, note[:200], actor
    target.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        object_type="target",
        object_id=target.pk,
        region_code=region.code,
        summary=_("设置%(y)d年%(r)s%(c)s目标任务")
        % {"y": year, "r": region.name, "c": _(CATEGORY_BY_KEY[program].label)},
        before=before,
        after={"persons": persons, "money": None if money is None else str(money)},
    )
    return target
