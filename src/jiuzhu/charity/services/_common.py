"""What every charity write shares: the capability check, the county the office keeps its books for, amounts,
numbers given out without races, and the fund ledger (the only place a balance changes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.charity.models import Counter, Disbursement, Donation, EntryKind, Fund, FundEntry, Need, Purpose
from jiuzhu.core.money import amount_problem, format_yuan, to_decimal
from jiuzhu.regions.models import Level


def today(on: dt.date | None) -> dt.date:
    """The date of a step: today unless given; never a day still to come."""
    now = timezone.localdate()
    if on is not None and on > now:
        raise ValidationError(_("日期 %(d)s 晚于今天，不能登记") % {"d": on})
    return on or now


def require(actor: User, capability: Capability) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def books_region(actor: User) -> str:
    """The 12-digit code of the county whose books the actor keeps: the charity office sits at a county."""
    region = actor.region
    if region is None or actor.scope_prefix is None:
        raise PermissionDenied(_("您的账户未设置所属区划"))
    if region.level > Level.COUNTY:
        raise PermissionDenied(_("慈善账目由县级登记"))
    return region.code


def clean_amount(value: object, *, field: str = "amount") -> Decimal:
    """A positive amount of money within the database's bounds, or a ValidationError saying what is wrong."""
    try:
        amount = to_decimal(value)
    except ValueError:
        raise ValidationError({field: _("金额应为数字")}) from None
    problem = amount_problem(amount)
    if problem:
        raise ValidationError({field: problem})
    if amount <= 0:
        raise ValidationError({field: _("金额应大于 0")})
    return amount


def next_number(key: str) -> int:
    """The next number of a series, under a row lock on its counter: concurrent callers get distinct numbers,
    and a rolled-back caller gives its number back."""
    counter = Counter.objects.select_for_update().filter(key=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, value=0)
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        counter = Counter.objects.select_for_update().get(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def fund_locked(*, region_code: str, purpose: Purpose | str, need: Need | None = None) -> Fund:
    """The fund's row, locked until the end of the transaction; created empty the first time it is named."""
    lookup: dict[str, Any] = (
        {"need": need} if need is not None else {"region_code": region_code, "purpose": purpose, "need": None}
    )
    fund = Fund.objects.select_for_update().filter(**lookup).first()
    if fund is None:
        try:
            with transaction.atomic():
                Fund.objects.create(region_code=region_code, purpose=purpose, need=need)
        except IntegrityError:
            pass  # created meanwhile by a concurrent first donation
        fund = Fund.objects.select_for_update().get(**lookup)
    return fund


def fund_credit(*, fund: Fund, amount: Decimal, donation: Donation, actor: User, on: dt.date) -> FundEntry:
    """Money in. `fund` must be locked (fund_locked)."""
    fund.balance += amount
    fund.save(update_fields=["balance", "updated_at"])
    return FundEntry.objects.create(
        fund=fund,
        region_code=fund.region_code,
        purpose=fund.purpose,
        on=on,
        kind=EntryKind.DONATION,
        amount=amount,
        balance_after=fund.balance,
        donation=donation,
        created_by=actor,
    )


def fund_debit(*, fund: Fund, amount: Decimal, disbursement: Disbursement, actor: User, on: dt.date) -> FundEntry:
    """Money out, refused with a clear message when the fund does not hold it. `fund` must be locked; the CHECK
    constraints on the balance and the entry hold even if a caller forgot.

    A debit is never dated before the fund's latest entry: credits may be back-dated (a donation entered a few
    days late), which only raises earlier balances, so the balance read at any past date is never negative."""
    last = fund.entries.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ValidationError(_("支出日期 %(d)s 早于该资金最近一笔收支的日期 %(l)s，不能倒签") % {"d": on, "l": last})
    if amount > fund.balance:
        raise ValidationError(
            {
                "amount": _("资金余额不足：%(f)s 现有 %(b)s 元，本次支出 %(a)s 元，不能支出")
                % {"f": fund_label(fund), "b": format_yuan(fund.balance), "a": format_yuan(amount)}
            }
        )
    fund.balance -= amount
    fund.save(update_fields=["balance", "updated_at"])
    return FundEntry.objects.create(
        fund=fund,
        region_code=fund.region_code,
        purpose=fund.purpose,
        on=on,
        kind=EntryKind.DISBURSEMENT,
        amount=-amount,
        balance_after=fund.balance,
        disbursement=disbursement,
        created_by=actor,
    )


def fund_label(fund: Fund) -> str:
    if fund.need_id is not None:
        return _("定向需求“%(t)s”专项资金") % {"t": fund.need.title if fund.need else fund.need_id}
    return _("%(p)s资金") % {"p": Purpose(fund.purpose).label}
