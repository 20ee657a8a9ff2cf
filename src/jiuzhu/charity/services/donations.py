"""Donors, campaigns and donations: money in."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.charity.models import Campaign, Donation, DonationKind, Donor, DonorKind, Need, NeedStatus, Purpose
from jiuzhu.charity.selectors import need_raised
from jiuzhu.charity.services._common import (
    books_region,
    clean_amount,
    fund_credit,
    fund_locked,
    next_number,
    require,
    today,
)
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


@transaction.atomic
def donor_create(
    *, actor: User, name: str, kind: DonorKind | str = DonorKind.PERSON, anonymous: bool = False, phone: str = "",
    note: str = "",
) -> Donor:  # fmt: skip
    require(actor, Capability.MANAGE_CHARITY)
    region_code = books_region(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写捐赠人名称（匿名捐赠也请登记，对外不显示）")})
    phone = phone.strip().replace(" ", "")
    if phone and not _PHONE.match(phone):
        raise ValidationError({"phone": _("联系电话格式不正确：应为 11 位手机号或带区号的固定电话")})
    phone_enc, phone_hash = pii.seal(phone)  # both under one key (core.keys rewrites them together)
    donor = Donor.objects.create(
        region_code=region_code,
        kind=DonorKind(kind),
        name=name,
        anonymous=anonymous,
        phone_enc=phone_enc,
        phone_hash=phone_hash,
        phone_masked=pii.mask_phone(phone),
        note=note.strip()[:200],
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="charity_donor",
        object_id=donor.pk,
        region_code=region_code,
        summary=_("登记捐赠人 %(n)s") % {"n": donor.name if not anonymous else _("（匿名）")},
    )
    return donor


@transaction.atomic
def campaign_create(
    *, actor: User, name: str, starts_on: dt.date, ends_on: dt.date, goal: object = 0,
    purpose: Purpose | str = Purpose.GENERAL, description: str = "",
) -> Campaign:  # fmt: skip
    require(actor, Capability.MANAGE_CHARITY)
    region_code = books_region(actor)
    if not name.strip():
        raise ValidationError({"name": _("请填写活动名称")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
    goal_amount = clean_amount(goal, field="goal") if goal not in (0, "", None) else Decimal("0.00")
    campaign = Campaign.objects.create(
        region_code=region_code,
        name=name.strip(),
        purpose=Purpose(purpose),
        goal=goal_amount,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="charity_campaign",
        object_id=campaign.pk,
        region_code=region_code,
        summary=_("登记募捐活动 %(n)s") % {"n": campaign.name},
    )
    return campaign


def _designation(
    *, region_code: str, purpose: Purpose, campaign: Campaign | None, need: Need | None, on: dt.date
) -> tuple[Purpose, Need | None]:
    """The purpose the money is bound to: the need's, else the one chosen, else the campaign's."""
    if campaign is not None:
        if campaign.region_code != region_code:
            raise ValidationError({"campaign": _("募捐活动不属于本县")})
        if not campaign.starts_on <= on <= campaign.ends_on:
            raise ValidationError({"campaign": _("捐赠日期不在活动“%(n)s”的起止日期内") % {"n": campaign.name}})
    if need is not None:
        if not need.region_code.startswith(region_code[:6]):
            raise ValidationError({"need": _("该需求不属于本县")})
        if need.status != NeedStatus.OPEN:
            raise ValidationError({"need": _("该需求已筹满或已关闭，不再接受定向捐赠")})
        if purpose not in (Purpose.GENERAL, need.purpose):
            raise ValidationError({"purpose": _("定向需求的用途为%(p)s") % {"p": Purpose(need.purpose).label}})
        return Purpose(need.purpose), need
    if purpose == Purpose.GENERAL and campaign is not None:
        return Purpose(campaign.purpose), None
    return purpose, None


@transaction.atomic
def donation_record(
    *, actor: User, amount: object, received_on: dt.date | None = None, donor: Donor | None = None,
    kind: DonationKind | str = DonationKind.MONEY, goods_description: str = "",
    purpose: Purpose | str = Purpose.GENERAL, campaign: Campaign | None = None, need: Need | None = None,
    note: str = "",
) -> Donation:  # fmt: skip
    """Record a donation and give it the next receipt number of the year; money is credited to the fund of its
    designation (a need's own fund, a purpose's, or the general fund) under that fund's row lock. A need whose
    money reaches its target is marked met."""
    require(actor, Capability.MANAGE_CHARITY)
    region_code = books_region(actor)
    on = today(received_on)
    value = clean_amount(amount)
    kind = DonationKind(kind)
    if kind == DonationKind.GOODS and not goods_description.strip():
        raise ValidationError({"goods_description": _("捐赠物资请填写名称及数量")})
    if donor is not None:
        require_scope(actor, donor.region_code)
    if need is not None:
        need = Need.objects.select_for_update().get(pk=need.pk)
    bound, need = _designation(region_code=region_code, purpose=Purpose(purpose), campaign=campaign, need=need, on=on)
    serial = next_number(f"receipt:{region_code[:6]}:{on.year}")
    donation = Donation(
        receipt_number=f"CS{region_code[:6]}{on.year}{serial:06d}",
        region_code=region_code,
        donor=donor,
        kind=kind,
        amount=value,
        goods_description=goods_description.strip()[:200] if kind == DonationKind.GOODS else "",
        received_on=on,
        purpose=bound,
        campaign=campaign,
        need=need,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    if kind == DonationKind.MONEY:
        donation.fund = fund_locked(region_code=region_code, purpose=bound, need=need)
        donation.save()
        fund_credit(fund=donation.fund, amount=value, donation=donation, actor=actor, on=on)
    else:
        donation.save()
    if need is not None and kind == DonationKind.MONEY:
        _mark_met(need, on)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="charity_donation",
        object_id=donation.pk,
        region_code=region_code,
        summary=_("登记捐赠 %(r)s：%(k)s %(a)s 元（%(p)s）")
        % {"r": donation.receipt_number, "k": kind.label, "a": value, "p": bound.label},
        after={"amount": str(value), "purpose": bound.value, "need": need.pk if need else None},
    )
    return donation


def _mark_met(need: Need, on: dt.date) -> None:
    if need_raised(need=need) >= need.target and need.status == NeedStatus.OPEN:
        need.status, need.closed_on = NeedStatus.MET, on
        need.save(update_fields=["status", "closed_on"])


@transaction.atomic
def donor_phone_reveal(*, actor: User, donor: Donor) -> str:
    """A donor's phone in full, for a user granted it; every reveal is in the audit log."""
    require(actor, Capability.VIEW_CHARITY)
    require_scope(actor, donor.region_code)
    if not actor.can_reveal_pii:
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        object_type="charity_donor",
        object_id=donor.pk,
        region_code=donor.region_code,
        summary=_("查看捐赠人完整联系电话：%(n)s") % {"n": donor.name},
    )
    return pii.decrypt(donor.phone_enc)
