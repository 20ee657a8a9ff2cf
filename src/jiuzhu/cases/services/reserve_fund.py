"""急难型临时救助 paid at once from the township's reserve fund (备用金), and the county's top-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import deadlines
from jiuzhu.cases.models import Case, CaseEvent, ReserveFund, ReserveFundEntry
from jiuzhu.cases.selectors import reserve_balance
from jiuzhu.cases.services._common import _overall_due, _refuse, _require, _today
from jiuzhu.cases.workflow import step_refusal
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import MAX_AMOUNT, amount_problem
from jiuzhu.core.scope import require_scope
from jiuzhu.regions.models import Level, Region


def _locked_fund(township: Region) -> ReserveFund:
    """The township's balance row, locked until the transaction ends; created (from the ledger) on first use,
    safely when two transactions race to create it."""
    fund = ReserveFund.objects.select_for_update().filter(township=township).first()
    if fund is None:
        try:
            with transaction.atomic():
                ReserveFund.objects.create(
                    township=township, balance=max(reserve_balance(township_code=township.code), 0)
                )
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        fund = ReserveFund.objects.select_for_update().get(township=township)
    return fund


@transaction.atomic
def reserve_fund_topup(
    *, actor: User, township: Region, amount: Decimal, note: str = "", on: dt.date | None = None
) -> ReserveFundEntry:
    """The county allocates 备用金 to a township."""
    _require(actor, Capability.CONFIRM_CASE)
    require_scope(actor, township.code)
    if township.level != Level.TOWNSHIP:
        raise ValidationError({"township": _("备用金只能拨付到乡镇（街道）")})
    if amount <= 0:
        raise ValidationError({"amount": _("拨付金额应大于 0")})
    problem = amount_problem(amount)
    fund = _locked_fund(township)
    if problem or fund.balance + amount > MAX_AMOUNT:
        raise ValidationError({"amount": problem or _("拨付后余额超出可记录的范围")})
    fund.balance += amount
    fund.save(update_fields=["balance", "updated_at"])
    entry = ReserveFundEntry.objects.create(
        township=township,
        region_code=township.code,
        on=_today(on),
        amount=amount,
        note=note or _("拨付备用金"),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="reserve_fund",
        object_id=entry.pk,
        region_code=township.code,
        summary=_("向 %(t)s 拨付备用金 %(a)s 元") % {"t": township.name, "a": amount},
    )
    return entry


@transaction.atomic
def case_emergency_pay(*, actor: User, case: Case, amount: Decimal, note: str = "", on: dt.date | None = None) -> Case:
    """急难型临时救助: the township pays at once from its reserve fund within its delegated cap; the
    paperwork (investigation, opinion, decision) follows within the paperwork deadline ([LS2018])."""
    on = _today(on)
    require_scope(actor, case.region_code)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _refuse(step_refusal(actor, case, "emergency_pay"))
    cap = Decimal(deadlines.case_parameter("case.money.linshi_township_cap", region_code=case.region_code, on=on))
    if amount <= 0 or amount > cap:
        raise ValidationError({"amount": _("先行救助金额应大于 0 且不超过乡镇审批额度 %(c)s 元") % {"c": cap}})
    township = Region.objects.get(code=case.township_code)
    fund = _locked_fund(township)  # held until commit: a second payment waits here, then sees what is left
    if fund.balance < amount:
        raise ValidationError({"amount": _("乡镇备用金余额不足")})
    fund.balance -= amount
    fund.save(update_fields=["balance", "updated_at"])
    ReserveFundEntry.objects.create(
        township=township,
        region_code=township.code,
        on=on,
        amount=-amount,
        case=case,
        note=note or _("先行救助 %(n)s") % {"n": case.number},
        created_by=actor,
    )
    case.emergency_paid_amount, case.emergency_paid_at = amount, on
    case.overall_due = _overall_due(case)
    case.save()
    CaseEvent.objects.create(
        case=case,
        action="emergency_pay",
        from_status=case.status,
        to_status=case.status,
        actor=actor,
        on=on,
        note=str(amount),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case",
        object_id=case.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 先行救助 %(a)s 元") % {"n": case.number, "a": amount},
    )
    return case
