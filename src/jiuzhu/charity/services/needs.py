"""Needs posted for donors: a family's need, its own fund for the money designated to it, closed when met."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.charity.models import CATEGORIES, Need, NeedStatus, Purpose
from jiuzhu.charity.services._common import books_region, clean_amount, fund_locked, require, today
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.registry.models import Household

# What must never reach a public page in a need's text: an ID number, a phone number.
_PII = re.compile(r"\d{6}(19|20)\d{2}[01]\d[0-3]\d{4}|\d{3}[-\s]?\d{4}[-\s]?\d{4}|\d{15}|\d{7,}", re.ASCII)


def public_text_problem(text: str) -> str | None:
    """Why a text meant for the public page may not be published (in Chinese), or None."""
    if _PII.search(text.replace(" ", "")):
        return _("公开内容不能包含身份证号、电话号码等个人信息（连续 7 位以上数字）")
    return None


def _category(value: Purpose | str, field: str) -> Purpose:
    try:
        purpose = Purpose(value)
    except ValueError:
        raise ValidationError({field: _("请选择救助类别")}) from None
    if purpose not in CATEGORIES:
        raise ValidationError({field: _("请选择具体的救助类别（助学、助医、助老等）")})
    return purpose


@transaction.atomic
def need_post(
    *, actor: User, household: Household, title: str, purpose: Purpose | str, target: object,
    description: str = "", on: dt.date | None = None,
) -> Need:  # fmt: skip
    require(actor, Capability.MANAGE_CHARITY)
    county = books_region(actor)
    require_scope(actor, household.region_code)
    category = _category(purpose, "purpose")
    amount = clean_amount(target, field="target")
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("请填写需求标题")})
    for field, text in (("title", title), ("description", description)):
        if problem := public_text_problem(text):
            raise ValidationError({field: problem})
    names = {household.head_name, *household.members.values_list("name", flat=True)} - {""}
    if any(name in f"{title}{description}" for name in names):
        raise ValidationError({"description": _("公开内容不能写出受助人的姓名")})
    need = Need.objects.create(
        household=household,
        region_code=household.region_code,
        title=title[:100],
        purpose=category,
        description=description.strip(),
        target=amount,
        posted_by=actor,
        posted_on=today(on),
    )
    fund_locked(region_code=county, purpose=category, need=need)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="charity_need",
        object_id=need.pk,
        region_code=household.region_code,
        summary=_("发布求助需求“%(t)s”，目标 %(a)s 元") % {"t": need.title, "a": amount},
    )
    return need


@transaction.atomic
def need_close(*, actor: User, need: Need, on: dt.date | None = None) -> Need:
    """Stop taking donations for a need (met or not); money already in its fund stays for that family."""
    require(actor, Capability.MANAGE_CHARITY)
    require_scope(actor, need.region_code)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status == NeedStatus.CLOSED:
        raise ValidationError(_("该需求已关闭"))
    was = need.status
    need.status, need.closed_on = NeedStatus.CLOSED, need.closed_on or today(on)
    need.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="charity_need",
        object_id=need.pk,
        region_code=need.region_code,
        summary=_("关闭求助需求“%(t)s”") % {"t": need.title},
        before={"status": was},
        after={"status": need.status},
    )
    return need
