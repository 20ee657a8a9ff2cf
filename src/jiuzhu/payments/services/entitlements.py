"""Writes to entitlements. Changes take effect from the next month ([57] 第三十二条): the month in which a
decision is taken is still paid as before. Every change writes an EntitlementEvent with its cause, so the
household ledger and the payroll's differences can say why an amount began, changed or stopped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import amount_problem
from jiuzhu.core.scope import require_scope
from jiuzhu.payments.models import (
    Cause,
    Entitlement,
    EntitlementEvent,
    EntitlementPerson,
    EntitlementStatus,
    EventKind,
    add_months,
    first_of_month,
    next_month,
)
from jiuzhu.registry.models import Household, Person

# Who may change an entitlement: the county decides, the township records reviews that continue it.
_DECIDE = Capability.CONFIRM_CASE


def _require(actor: User, capability: Capability) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def _audit(actor: User | str, ent: Entitlement, action: str, summary: str, after: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="entitlement",
        object_id=ent.pk,
        region_code=ent.region_code,
        summary=summary,
        after=after,
    )


def _event(
    ent: Entitlement,
    *,
    actor: User | None,
    kind: str,
    cause: str,
    month: dt.date,
    before: Decimal | None = None,
    after: Decimal | None = None,
    note: str = "",
    recorded_on: dt.date | None = None,
) -> EntitlementEvent:
    return EntitlementEvent.objects.create(
        entitlement=ent,
        kind=kind,
        cause=cause,
        effective_month=first_of_month(month),
        amount_before=before,
        amount_after=after,
        note=note[:300],
        recorded_on=recorded_on or timezone.localdate(),
        created_by=actor,
    )


@transaction.atomic
def entitlement_create(
    *,
    actor: User,
    household: Household,
    program: str,
    persons: list[Person],
    monthly_amount: Decimal,
    start_month: dt.date,
    source_case: Any = None,
    previous: Entitlement | None = None,
    gradual_exit: bool = False,
    end_month: dt.date | None = None,
    reason: str = "",
    cause: Cause = Cause.DECISION,
) -> Entitlement:
    _require(actor, _DECIDE)
    require_scope(actor, household.region_code)
    problem = amount_problem(monthly_amount)
    if problem is not None:
        raise ValidationError({"monthly_amount": problem})
    if not persons:
        raise ValidationError({"persons": _("至少应有一名保障对象")})
    if any(p.household_id != household.pk for p in persons):
        raise ValidationError({"persons": _("保障对象必须是本户成员")})
    ent = Entitlement.objects.create(
        household=household,
        region_code=household.region_code,
        program=program,
        monthly_amount=monthly_amount,
        start_month=first_of_month(start_month),
        end_month=end_month,
        gradual_exit=gradual_exit,
        source_case=source_case,
        previous=previous,
        reason=reason,
        created_by=actor,
    )
    EntitlementPerson.objects.bulk_create([EntitlementPerson(entitlement=ent, person=p) for p in persons])
    if previous is None:
        _event(ent, actor=actor, kind=EventKind.CREATED, cause=cause, month=ent.start_month, after=monthly_amount,
               note=reason)  # fmt: skip
    _audit(
        actor,
        ent,
        AuditAction.CREATE,
        _("户 %(n)s 享受 %(p)s，每月 %(a)s 元，自 %(m)s 起")
        % {"n": household.number, "p": program, "a": monthly_amount, "m": ent.start_month.strftime("%Y-%m")},
        {"program": program, "monthly_amount": monthly_amount, "start_month": ent.start_month, "persons": len(persons)},
    )
    return ent


def _locked(ent: Entitlement) -> Entitlement:
    return Entitlement.objects.select_for_update().select_related("household").get(pk=ent.pk)


def _require_open(ent: Entitlement, on: dt.date) -> None:
    if ent.status == EntitlementStatus.STOPPED or (ent.end_month is not None and ent.end_month < first_of_month(on)):
        raise ValidationError(_("该待遇已停止，不能再变更"))


@transaction.atomic
def entitlement_suspend(
    *, actor: User, entitlement: Entitlement, reason: str, on: dt.date | None = None, cause: Cause = Cause.REVIEW
) -> Entitlement:
    _require(actor, _DECIDE)
    require_scope(actor, entitlement.region_code)
    on = on or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("暂停发放须写明理由")})
    ent = _locked(entitlement)
    _require_open(ent, on)
    if ent.status == EntitlementStatus.SUSPENDED:
        raise ValidationError(_("该待遇已暂停"))
    ent.status, ent.suspended_from, ent.reason = EntitlementStatus.SUSPENDED, next_month(on), reason
    ent.save(update_fields=["status", "suspended_from", "reason"])
    _event(ent, actor=actor, kind=EventKind.SUSPENDED, cause=cause, month=ent.suspended_from, note=reason)
    _audit(
        actor,
        ent,
        AuditAction.UPDATE,
        _("暂停发放，自 %(m)s 起") % {"m": f"{ent.suspended_from:%Y-%m}"},
        {"status": ent.status, "suspended_from": ent.suspended_from, "reason": reason},
    )
    return ent


@transaction.atomic
def entitlement_stop(
    *, actor: User, entitlement: Entitlement, reason: str, on: dt.date | None = None, cause: Cause = Cause.REVIEW
) -> Entitlement:
    """Stops payment from the month after `on`; this month is the last one paid. `on` may lie in the past
    (a death found late): the months paid since then become a recovery in the next payroll."""
    ent = _stop(actor=actor, entitlement=entitlement, reason=reason, on=on)
    _event(ent, actor=actor, kind=EventKind.STOPPED, cause=cause, month=next_month(ent.end_month or ent.start_month),
           before=ent.monthly_amount, note=reason)  # fmt: skip
    return ent


def _stop(
    *, actor: User | None, entitlement: Entitlement, reason: str, on: dt.date | None, check: bool = True
) -> Entitlement:
    """The stop itself, without its event: a change of amount records one event for the whole change.
    `check=False` for a stop that follows a recorded fact (a death), not a decision."""
    if check:
        if actor is None:
            raise PermissionDenied(_("您的角色无权执行此操作"))
        _require(actor, _DECIDE)
        require_scope(actor, entitlement.region_code)
    on = on or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("停止发放须写明理由")})
    ent = _locked(entitlement)
    _require_open(ent, on)
    last = first_of_month(on)
    ent.end_month = last if ent.end_month is None else min(ent.end_month, last)
    ent.status, ent.reason = EntitlementStatus.STOPPED, reason
    ent.save(update_fields=["status", "end_month", "reason"])
    _audit(
        actor or "system",
        ent,
        AuditAction.UPDATE,
        _("停止发放，自 %(m)s 起") % {"m": f"{next_month(on):%Y-%m}"},
        {"status": ent.status, "end_month": ent.end_month, "reason": reason},
    )
    return ent


@transaction.atomic
def entitlement_change_amount(
    *,
    actor: User,
    entitlement: Entitlement,
    monthly_amount: Decimal,
    reason: str,
    on: dt.date | None = None,
    cause: Cause = Cause.REVIEW,
) -> Entitlement:
    """A new entitlement from next month, the old one ending this month: history keeps both amounts. With
    `on` in the past the change is retroactive (提标 recompute): the difference becomes back pay."""
    _require(actor, _DECIDE)
    on = on or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("调整金额须写明理由")})
    old = _stop(actor=actor, entitlement=entitlement, reason=reason, on=on)
    new = entitlement_create(
        actor=actor,
        household=old.household,
        program=old.program,
        persons=list(old.persons.all()),
        monthly_amount=monthly_amount,
        start_month=next_month(on),
        source_case=old.source_case,
        previous=old,
        reason=reason,
        cause=cause,
    )
    # One event on the new link of the chain tells the whole change: from which month, from what to what.
    _event(new, actor=actor, kind=EventKind.AMOUNT, cause=cause, month=new.start_month, before=old.monthly_amount,
           after=monthly_amount, note=reason)  # fmt: skip
    return new


@transaction.atomic
def entitlement_gradual_exit(
    *,
    actor: User,
    entitlement: Entitlement,
    months: int,
    reason: str,
    on: dt.date | None = None,
    max_months: int = 6,
    cause: Cause = Cause.REVIEW,
) -> Entitlement:
    """渐退: keep paying for `months` more months (at most `max_months`), then stop by itself."""
    _require(actor, _DECIDE)
    require_scope(actor, entitlement.region_code)
    on = on or timezone.localdate()
    if not 1 <= months <= max_months:
        raise ValidationError({"exit_months": _("渐退期为 1 至 %(m)d 个月") % {"m": max_months}})
    if not reason.strip():
        raise ValidationError({"reason": _("渐退须写明理由")})
    ent = _locked(entitlement)
    _require_open(ent, on)
    ent.end_month, ent.gradual_exit, ent.reason = add_months(first_of_month(on), months), True, reason
    ent.save(update_fields=["end_month", "gradual_exit", "reason"])
    _event(ent, actor=actor, kind=EventKind.GRADUAL_EXIT, cause=cause, month=next_month(on), note=reason)
    _audit(
        actor,
        ent,
        AuditAction.UPDATE,
        _("进入渐退期，发放至 %(m)s") % {"m": f"{ent.end_month:%Y-%m}"},
        {"end_month": ent.end_month, "gradual_exit": True, "reason": reason},
    )
    return ent


@transaction.atomic
def entitlements_stop_on_death(*, person: Person, actor: User | None, on: dt.date) -> list[Entitlement]:
    """A member's recorded death stops what paid for them from the month after death, retroactively when the
    date lies in the past (what was paid since becomes a recovery): a one-person entitlement, and a household
    entitlement whose last living covered member died. Other household entitlements are left to the re-check
    cases schedules ([57] 第三十条). Registered with registry.hooks.on_death_recorded; idempotent."""
    died = person.date_of_death
    if died is None:
        return []
    last_month = first_of_month(died)
    # The links whose list names the person, and the links that share those lists (a 提标's new links).
    lists = EntitlementPerson.objects.filter(person=person).values("entitlement_id")
    open_ = (
        Entitlement.objects.filter(Q(pk__in=lists, persons_of__isnull=True) | Q(persons_of__in=lists))
        .exclude(status=EntitlementStatus.STOPPED)
        .exclude(end_month__lt=last_month)
        .distinct()
    )
    stopped = []
    for ent in open_:
        alive = ent.persons.filter(date_of_death__isnull=True).exclude(pk=person.pk).exists()
        if alive:
            continue
        reason = _("保障对象 %(p)s 于 %(d)s 死亡") % {"p": person.name, "d": died.isoformat()}
        ent = _stop(actor=actor, entitlement=ent, reason=reason, on=died, check=False)
        _event(ent, actor=actor, kind=EventKind.STOPPED, cause=Cause.DEATH, month=next_month(died),
               before=ent.monthly_amount, note=reason, recorded_on=on)  # fmt: skip
        stopped.append(ent)
    return stopped
