"""The county's decision: 审核确认 (with the entitlement and its first review) or 不予确认."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases import engine
from jiuzhu.cases.models import AmountCheck, AmountCheckState, Case, Status
from jiuzhu.cases.services._common import _amount_checked, _begin, _move, _note_step, _today
from jiuzhu.cases.services.reviews import review_schedule
from jiuzhu.cases.services.snapshot import household_snapshot
from jiuzhu.cases.workflow import TEKUN
from jiuzhu.core import messages
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Cause, next_month
from jiuzhu.registry.models import Person


def engine_for_case(*, case: Case, on: dt.date, now: bool = False) -> engine.EngineResult:
    """The engine's result for the application: on its snapshot, or (now=True) on the household today."""
    snapshot = household_snapshot(household=case.household) if now else case.snapshot
    return engine.evaluate_snapshot(
        snapshot=_with_assessment(case, snapshot),
        program=case.program,
        on=on,
        applicant_id=case.applicant_id,
        single_person=case.single_person,
    )


def _with_assessment(case: Case, snapshot: dict[str, Any]) -> dict[str, Any]:
    # The 特困 self-care assessment recorded on the case replaces the registry's count of activities.
    assessment = case.self_care.first() if case.program in TEKUN else None
    if assessment is None:
        return snapshot
    members = [
        {**m, "adl_impossible": assessment.impossible} if m["id"] == assessment.person_id else m
        for m in snapshot["members"]
    ]
    return {**snapshot, "members": members}


@transaction.atomic
def case_confirm(
    *,
    actor: User,
    case: Case,
    amount: Decimal | None = None,
    override_reason: str = "",
    on: dt.date | None = None,
) -> Case:
    """审核确认. The computed amount (on the snapshot) unless the approver sets another with a reason.
    A monthly programme gets its entitlement from the month after approval, and its first review.
    An amount above the computed one (above the township's proposed one when nothing was computed) is not
    decided here: it waits, with its reason, for a second county user's check (case_amount_check), and no
    entitlement or payment exists before that check accepts it. The programme's cap bounds every amount.
    The row lock plus the state check make two approvers confirming at once end with one decision."""
    on = _today(on)
    case = _begin(actor, case, "confirm", on=on)
    result = engine_for_case(case=case, on=on)
    computed = result.amount
    final = amount if amount is not None else (computed if computed is not None else case.opinion_amount)
    if final is None:
        raise ValidationError({"amount": _("请填写救助金额")})
    _amount_checked(case.program, final, region_code=case.region_code, on=on)
    if computed is not None and final != computed and not override_reason.strip():
        raise ValidationError({"override_reason": _("确认金额与系统测算金额不同，请写明理由")})
    if engine.is_monthly(case.program) and final <= 0:
        raise ValidationError({"amount": _("月救助金额为 0，应作不予确认处理")})
    reference = amount_reference(case, computed)
    if reference is not None and final > reference:
        return _request_check(actor, case, final, reference, override_reason, on)
    return _decide(case, actor=actor, decider=actor, result=result, final=final, reason=override_reason, on=on)


def amount_reference(case: Case, computed: Decimal | None) -> Decimal | None:
    """What an approver's amount is held against: the engine's figure, else the township's proposed amount;
    above it, a second person checks. Without either the programme's cap alone bounds it."""
    return computed if computed is not None else case.opinion_amount


def _request_check(actor: User, case: Case, final: Decimal, reference: Decimal, reason: str, on: dt.date) -> Case:
    if not reason.strip():
        raise ValidationError({"override_reason": _("确认金额高于测算金额，请写明理由")})
    check = AmountCheck.objects.create(
        case=case,
        region_code=case.region_code,
        amount=final,
        reference=reference,
        reason=reason,
        requested_by=actor,
        requested_on=on,
    )
    case.amount_check_by = actor
    case.save(update_fields=["amount_check_by", "updated_at"])
    _note_step(
        case,
        actor=actor,
        action="request_amount_check",
        on=on,
        note=_("确认金额 %(a)s 元高于测算金额 %(r)s 元，待复核：%(t)s") % {"a": final, "r": reference, "t": reason},
        summary=_("申请 %(n)s：确认金额高于测算金额，提交复核") % {"n": case.number},
        audit_after={"amount_check": check.pk, "approved": final, "reference": reference, "override_reason": reason},
    )
    return case


@transaction.atomic
def case_amount_check(*, actor: User, case: Case, accept: bool, note: str = "", on: dt.date | None = None) -> Case:
    """The second person's check of an amount above the computed one: accepted, the case is confirmed with that
    amount (the entitlement and payments follow, as from case_confirm); sent back with reasons, the case waits
    for a decision again. Never by the person who asked for it (workflow, and a database constraint)."""
    on = _today(on)
    case = _begin(actor, case, "check_amount", on=on)
    check = AmountCheck.objects.select_for_update().get(case=case, state=AmountCheckState.PENDING)
    note = note.strip()
    if not accept and not note:
        raise ValidationError({"note": _("退回须写明理由")})
    check.state = AmountCheckState.ACCEPTED if accept else AmountCheckState.RETURNED
    check.checked_by, check.checked_on, check.note = actor, on, note
    check.save()
    case.amount_check_by = None
    if not accept:
        case.save(update_fields=["amount_check_by", "updated_at"])
        _note_step(
            case,
            actor=actor,
            action="return_amount_check",
            on=on,
            note=_("复核退回：%(t)s") % {"t": note},
            summary=_("申请 %(n)s：确认金额复核退回") % {"n": case.number},
            audit_after={"amount_check": check.pk, "returned": note},
        )
        return case
    result = engine_for_case(case=case, on=on)
    _amount_checked(case.program, check.amount, region_code=case.region_code, on=on)  # the cap on this day
    return _decide(
        case,
        actor=actor,
        decider=check.requested_by,
        result=result,
        final=check.amount,
        reason=check.reason,
        on=on,
        checked_by=actor,
    )


def _decide(
    case: Case,
    *,
    actor: User,
    decider: User,
    result: engine.EngineResult,
    final: Decimal,
    reason: str,
    on: dt.date,
    checked_by: User | None = None,
) -> Case:
    """The confirmation itself: the decision recorded, the entitlement (or the one-off grant) made. `actor`
    takes the step (the approver, or the checker who accepted the approver's amount); `decider` signed it."""
    computed = result.amount
    case.computed_amount, case.approved_amount, case.override_reason = computed, final, reason
    case.engine_lines, case.decided_by, case.decided_at = result.lines, decider, on
    audit_after: dict[str, Any] = {"computed": computed, "approved": final, "override_reason": reason}
    if checked_by is not None:
        audit_after |= {"decided_by": decider.username, "checked_by": checked_by.username}
    _move(case, actor=actor, action="confirm", to=Status.APPROVED, on=on, audit_after=audit_after)
    if engine.is_monthly(case.program):
        person_ids = result.persons or _default_persons(case)
        persons = list(Person.objects.filter(pk__in=person_ids, household=case.household, date_of_death__isnull=True))
        ent = payments.entitlement_create(
            actor=actor,
            household=case.household,
            program=case.program,
            persons=persons or [case.applicant],
            monthly_amount=final,
            start_month=next_month(on),
            source_case=case,
            cause=Cause.DECISION,
        )
        review_schedule(entitlement=ent, case=case, after=on)
    elif case.program == "linshi":
        # What the township's reserve fund paid at once is paid; the rest of the approved amount waits
        # for the next payroll (payments stands below cases, so cases hands it over).
        rest = final - (case.emergency_paid_amount or Decimal(0))
        if rest > 0:
            payments.one_off_grant_record(
                actor=actor,
                household=case.household,
                program=case.program,
                amount=rest,
                source_key=f"linshi:{case.pk}",
                decided_on=on,
                note=messages.msg("临时救助 %(n)s", n=case.number),
            )
    return case


def _default_persons(case: Case) -> list[int]:
    if case.single_person or engine.is_person_program(case.program):
        return [case.applicant_id]
    return [int(m["id"]) for m in case.snapshot.get("members", []) if not m.get("excluded")]


@transaction.atomic
def case_refuse(*, actor: User, case: Case, reasons: str, on: dt.date | None = None) -> Case:
    """不予确认, with written reasons the household receives within 3 working days."""
    on = _today(on)
    case = _begin(actor, case, "refuse", on=on)
    if not reasons.strip():
        raise ValidationError({"reasons": _("不予确认须写明理由")})
    case.decision_reasons, case.decided_by, case.decided_at = reasons, actor, on
    return _move(case, actor=actor, action="refuse", to=Status.REFUSED, on=on, note=reasons)
