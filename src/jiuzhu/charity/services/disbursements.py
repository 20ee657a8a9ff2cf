"""Disbursements: proposed by the charity office, approved or refused by the county approver (never the one who
proposed), then paid. The money leaves its fund at approval, under the fund's row lock: of two approvals that
together exceed the balance, the second is refused and its proposal stays pending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases.deadlines import case_parameter
from jiuzhu.charity.models import Disbursement, DisbursementStatus, Fund, Need, Purpose
from jiuzhu.charity.services._common import (
    books_region,
    clean_amount,
    fund_debit,
    fund_label,
    fund_locked,
    next_number,
    require,
    today,
)
from jiuzhu.charity.services.needs import _category
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import format_yuan
from jiuzhu.core.scope import require_scope
from jiuzhu.registry.models import Household

CAP_PREFIX = "charity.cap."


def category_cap(*, category: Purpose | str, region_code: str, on: dt.date) -> Decimal:
    """The most one disbursement of a category may pay (a dated regional parameter, charity.cap.<category>)."""
    return Decimal(case_parameter(f"{CAP_PREFIX}{Purpose(category).value}", region_code=region_code, on=on))


def _source_fund(
    *, county: str, household: Household, category: Purpose, need: Need | None, from_general: bool
) -> Fund:
    """The fund a disbursement draws on. Designated money goes only where it was designated: a need's fund pays
    only that need's family, a purpose's fund only that category; general money may pay any category."""
    if need is not None:
        if need.household_id != household.pk:
            raise ValidationError({"need": _("定向需求的善款只能支付给该需求的家庭")})
        if need.purpose != category:
            raise ValidationError({"category": _("定向需求的善款只能用于%(p)s") % {"p": Purpose(need.purpose).label}})
        return fund_locked(region_code=county, purpose=category, need=need)
    purpose = Purpose.GENERAL if from_general else category
    return fund_locked(region_code=county, purpose=purpose)


@transaction.atomic
def disbursement_propose(
    *, actor: User, household: Household, category: Purpose | str, amount: object, reason: str,
    need: Need | None = None, from_general: bool = False, on: dt.date | None = None,
) -> Disbursement:  # fmt: skip
    require(actor, Capability.MANAGE_CHARITY)
    county = books_region(actor)
    require_scope(actor, household.region_code)
    on = today(on)
    cat = _category(category, "category")
    value = clean_amount(amount)
    cap = category_cap(category=cat, region_code=household.region_code, on=on)
    if value > cap:
        raise ValidationError({"amount": _("%(c)s单笔支出不超过 %(m)s 元") % {"c": cat.label, "m": format_yuan(cap)}})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写救助事由")})
    if need is not None:
        require_scope(actor, need.region_code)
    fund = _source_fund(county=county, household=household, category=cat, need=need, from_general=from_general)
    if value > fund.balance:
        # Refused at once when the fund cannot cover it today; approval checks again under the lock.
        raise ValidationError(
            {
                "amount": _("资金余额不足：%(f)s 现有 %(b)s 元，本次支出 %(a)s 元，不能支出")
                % {"f": fund_label(fund), "b": format_yuan(fund.balance), "a": format_yuan(value)}
            }
        )
    serial = next_number(f"disbursement:{county[:6]}:{on.year}")
    disbursement = Disbursement.objects.create(
        number=f"ZC{county[:6]}{on.year}{serial:06d}",
        household=household,
        region_code=household.region_code,
        recipient_name=household.head_name or str(household.number),
        category=cat,
        fund=fund,
        need=need,
        amount=value,
        reason=reason.strip(),
        proposed_by=actor,
        proposed_on=on,
    )
    _audit(actor, disbursement, _("提出慈善支出 %(n)s：%(c)s %(a)s 元"), None)
    return disbursement


def _audit(actor: User, d: Disbursement, template: str, before: str | None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        object_type="charity_disbursement",
        object_id=d.pk,
        region_code=d.region_code,
        summary=template % {"n": d.number, "c": Purpose(d.category).label, "a": d.amount},
        before={"status": before} if before else None,
        after={"status": d.status, "amount": str(d.amount), "fund": d.fund_id},
    )


def _decide(actor: User, disbursement: Disbursement) -> Disbursement:
    """Lock the proposal and check that this actor may decide it now."""
    require(actor, Capability.APPROVE_CHARITY)
    require_scope(actor, disbursement.region_code)
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if locked.status != DisbursementStatus.PROPOSED:
        raise ValidationError(_("该支出已%(s)s，不能重复审批") % {"s": DisbursementStatus(locked.status).label})
    if locked.proposed_by_id == actor.pk:
        raise PermissionDenied(_("提出支出的人不能审批自己的提议"))
    return locked


@transaction.atomic
def disbursement_approve(*, actor: User, disbursement: Disbursement, on: dt.date | None = None) -> Disbursement:
    """Approve and take the money from the fund. Refused, with nothing changed, when the fund no longer holds
    it (another approval took it meanwhile)."""
    d = _decide(actor, disbursement)
    on = today(on)
    fund = Fund.objects.select_for_update().get(pk=d.fund_id)
    fund_debit(fund=fund, amount=d.amount, disbursement=d, actor=actor, on=on)
    d.status, d.decided_by, d.decided_on = DisbursementStatus.APPROVED, actor, on
    d.save(update_fields=["status", "decided_by", "decided_on"])
    _audit(actor, d, _("批准慈善支出 %(n)s：%(c)s %(a)s 元"), DisbursementStatus.PROPOSED)
    return d


@transaction.atomic
def disbursement_refuse(
    *, actor: User, disbursement: Disbursement, reason: str, on: dt.date | None = None
) -> Disbursement:
    d = _decide(actor, disbursement)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写不予批准的理由")})
    d.status, d.decided_by, d.decided_on = DisbursementStatus.REFUSED, actor, today(on)
    d.refusal_reason = reason.strip()[:300]
    d.save(update_fields=["status", "decided_by", "decided_on", "refusal_reason"])
    _audit(actor, d, _("不予批准慈善支出 %(n)s：%(c)s %(a)s 元"), DisbursementStatus.PROPOSED)
    return d


@transaction.atomic
def disbursement_pay(
    *, actor: User, disbursement: Disbursement, note: str = "", on: dt.date | None = None
) -> Disbursement:
    """Record that the approved money reached the family (the fund was debited at approval)."""
    require(actor, Capability.MANAGE_CHARITY)
    require_scope(actor, disbursement.region_code)
    d = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if d.status != DisbursementStatus.APPROVED:
        raise ValidationError(
            _("只有已批准的支出可以登记发放（当前：%(s)s）") % {"s": DisbursementStatus(d.status).label}
        )
    on = today(on)
    if d.decided_on and on < d.decided_on:
        raise ValidationError({"paid_on": _("发放日期不能早于审批日期")})
    d.status, d.paid_by, d.paid_on, d.payment_note = DisbursementStatus.PAID, actor, on, note.strip()[:200]
    d.save(update_fields=["status", "paid_by", "paid_on", "payment_note"])
    _audit(actor, d, _("登记慈善支出 %(n)s 已发放：%(c)s %(a)s 元"), DisbursementStatus.APPROVED)
    return d
