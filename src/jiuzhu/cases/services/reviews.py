"""Dynamic management (动态管理): scheduling reviews, recording their outcome, the re-check on a death."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import deadlines
from jiuzhu.cases.models import Case, Review, ReviewEvent, ReviewKind, ReviewOutcome, ReviewStep
from jiuzhu.cases.selectors import review_interval_months
from jiuzhu.cases.services._common import IllegalStep, _amount_checked, _require, _today
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Cause, Entitlement, EntitlementStatus, add_months
from jiuzhu.registry.models import Person


def review_schedule(*, entitlement: Entitlement, case: Case | None, after: dt.date) -> Review:
    months = (
        review_interval_months(case=case, on=after)
        if case
        else deadlines.months("review.months.stable", region_code=entitlement.region_code, on=after)
    )
    return Review.objects.create(
        entitlement=entitlement,
        region_code=entitlement.region_code,
        kind=ReviewKind.SCHEDULED,
        due_date=add_months(after, months),
    )


# The outcomes that change the money: the county decides them, on the township's proposal or its own finding.
COUNTY_OUTCOMES = (ReviewOutcome.CHANGE, ReviewOutcome.GRADUAL_EXIT, ReviewOutcome.STOP)


def _outcome_checked(
    review: Review,
    *,
    outcome: str,
    reasons: str,
    new_amount: Decimal | None,
    exit_months: int | None,
    on: dt.date,
) -> None:
    """What a change, gradual exit or stop must carry, whoever records or proposes it: written reasons, an
    amount within the programme's cap, months within the region's 渐退期上限 (review.months.gradual_exit_max)."""
    if not reasons.strip():
        raise ValidationError({"reasons": _("调整、渐退或停止须写明理由")})
    if outcome == ReviewOutcome.CHANGE:
        if new_amount is None or new_amount <= 0:
            raise ValidationError({"new_amount": _("请填写调整后的月金额")})
        program = review.entitlement.program
        _amount_checked(program, new_amount, region_code=review.region_code, on=on, field="new_amount")
    elif outcome == ReviewOutcome.GRADUAL_EXIT:
        longest = deadlines.months("review.months.gradual_exit_max", region_code=review.region_code, on=on)
        if exit_months is None or not 1 <= exit_months <= longest:
            raise ValidationError({"exit_months": _("渐退期为 1 至 %(m)d 个月") % {"m": longest}})


def _apply(
    *,
    actor: User,
    review: Review,
    outcome: str,
    reasons: str,
    new_amount: Decimal | None,
    exit_months: int | None,
    on: dt.date,
) -> Review:
    """The decided outcome on the entitlement (through payments, cause REVIEW, from next month), on the review
    row locked by the caller, with the next scheduled review where payment goes on."""
    ent = review.entitlement
    case = ent.source_case
    if outcome == ReviewOutcome.CHANGE:
        assert new_amount is not None  # _outcome_checked
        ent = payments.entitlement_change_amount(
            actor=actor, entitlement=ent, monthly_amount=new_amount, reason=reasons, on=on, cause=Cause.REVIEW
        )
    elif outcome == ReviewOutcome.GRADUAL_EXIT:
        max_months = deadlines.months("review.months.gradual_exit_max", region_code=review.region_code, on=on)
        payments.entitlement_gradual_exit(
            actor=actor,
            entitlement=ent,
            months=exit_months or 0,
            reason=reasons,
            on=on,
            max_months=max_months,
            cause=Cause.REVIEW,
        )
    elif outcome == ReviewOutcome.STOP:
        payments.entitlement_stop(actor=actor, entitlement=ent, reason=reasons, on=on, cause=Cause.REVIEW)
    review.outcome, review.reasons = outcome, reasons
    review.new_amount = new_amount if outcome == ReviewOutcome.CHANGE else None
    review.exit_months = exit_months if outcome == ReviewOutcome.GRADUAL_EXIT else None
    review.decided_by, review.decided_at = actor, on
    review.save()
    if outcome in (ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE):
        review_schedule(entitlement=ent, case=case, after=on)
    return review


def review_event(
    review: Review,
    *,
    step: ReviewStep,
    actor: User | None,
    on: dt.date,
    outcome: str = "",
    amount: Decimal | None = None,
    exit_months: int | None = None,
    note: str = "",
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        review=review, step=step, actor=actor, on=on, outcome=outcome, amount=amount, exit_months=exit_months, note=note
    )


def outcome_summary(outcome: str, amount: Decimal | None, exit_months: int | None) -> str:
    """The outcome as staff read it: 调整金额 为 300.00 元/月, 渐退 3 个月, 停止."""
    text = str(ReviewOutcome(outcome).label)
    if outcome == ReviewOutcome.CHANGE and amount is not None:
        return _("%(o)s为 %(a)s 元/月") % {"o": text, "a": f"{amount:.2f}"}
    if outcome == ReviewOutcome.GRADUAL_EXIT and exit_months:
        return _("%(o)s %(n)d 个月") % {"o": text, "n": exit_months}
    return text


@transaction.atomic
def review_record(
    *,
    actor: User,
    review: Review,
    outcome: str,
    reasons: str = "",
    new_amount: Decimal | None = None,
    exit_months: int | None = None,
    on: dt.date | None = None,
) -> Review:
    """A review's outcome. Continuing is the township's to record; changing, gradual exit and stopping are
    county decisions (the township proposes them: services.review_propose) and need written reasons. Every
    change takes effect from next month."""
    on = _today(on)
    _require(actor, Capability.REVIEW_ENTITLEMENT)
    require_scope(actor, review.region_code)
    review = Review.objects.select_for_update().select_related("entitlement").get(pk=review.pk)
    if not review.is_open:
        raise IllegalStep(_("该复核已办结"))
    if review.is_proposed:
        raise IllegalStep(_("该复核已提请县级审批，请等待县级审批同意或退回"))
    if outcome not in ReviewOutcome.values or outcome == ReviewOutcome.PENDING:
        raise ValidationError({"outcome": _("请选择复核结果")})
    if outcome != ReviewOutcome.CONTINUE:
        _require(actor, Capability.CONFIRM_CASE)
        _outcome_checked(
            review, outcome=outcome, reasons=reasons, new_amount=new_amount, exit_months=exit_months, on=on
        )
    _apply(
        actor=actor,
        review=review,
        outcome=outcome,
        reasons=reasons,
        new_amount=new_amount,
        exit_months=exit_months,
        on=on,
    )
    review_event(
        review,
        step=ReviewStep.RECORD,
        actor=actor,
        on=on,
        outcome=outcome,
        amount=review.new_amount,
        exit_months=review.exit_months,
        note=reasons,
    )
    summary = outcome_summary(outcome, review.new_amount, review.exit_months)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="review",
        object_id=review.pk,
        region_code=review.region_code,
        summary=_("复核户 %(h)s：%(o)s") % {"h": review.entitlement.household.number, "o": summary},
        after={"outcome": outcome, "reasons": reasons},
    )
    return review


@transaction.atomic
def review_open(*, actor: User, entitlement: Entitlement, due_date: dt.date, note: str) -> Review:
    """A re-check on demand (专项复核) of a running entitlement, due on `due_date`: what a complaint or a report
    about the household's assistance asks for. Idempotent: while one is open, it is returned, not doubled."""
    _require(actor, Capability.REVIEW_ENTITLEMENT)
    require_scope(actor, entitlement.region_code)
    if entitlement.status == EntitlementStatus.STOPPED:
        raise IllegalStep(_("该救助待遇已停止，无需复核"))
    existing = entitlement.reviews.filter(kind=ReviewKind.ON_DEMAND, outcome=ReviewOutcome.PENDING).first()
    if existing is not None:
        return existing
    review = Review.objects.create(
        entitlement=entitlement,
        region_code=entitlement.region_code,
        kind=ReviewKind.ON_DEMAND,
        due_date=due_date,
        note=note[:200],
    )
    review_event(review, step=ReviewStep.OPEN, actor=actor, on=_today(None), note=review.note)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="review",
        object_id=review.pk,
        region_code=review.region_code,
        summary=_("专项复核户 %(h)s：%(n)s") % {"h": entitlement.household.number, "n": review.note},
    )
    return review


@transaction.atomic
def recheck_on_death(*, person: Person, actor: User | None = None, on: dt.date | None = None) -> list[Review]:
    """A member's recorded death: every running entitlement of the household gets a re-check due within
    3 months ([57] 第三十条). Idempotent: an open death re-check is not created twice.

    Registered with registry.hooks.on_death_recorded in CasesConfig.ready: the registry's person_update
    calls it when date_of_death is set."""
    if person.date_of_death is None:
        return []
    on = _today(on)
    months = deadlines.months("review.months.death", region_code=person.household.region_code, on=on)
    created = []
    running = Entitlement.objects.filter(household_id=person.household_id).exclude(status=EntitlementStatus.STOPPED)
    for ent in running:
        if ent.reviews.filter(kind=ReviewKind.DEATH, outcome="").exists():
            continue
        review = Review.objects.create(
            entitlement=ent,
            region_code=ent.region_code,
            kind=ReviewKind.DEATH,
            due_date=add_months(on, months),
            note=_("成员 %(p)s 于 %(d)s 死亡") % {"p": person.name, "d": person.date_of_death.isoformat()},
        )
        audit_record(
            actor=actor or "system",
            action=AuditAction.CREATE,
            object_type="review",
            object_id=review.pk,
            region_code=ent.region_code,
            summary=review.note,
        )
        created.append(review)
    return created


def reviews_follow_entitlements(*, old_ids: list[int]) -> int:
    """Open reviews of entitlements replaced in bulk (提标 recompute) move to the new link of the chain, in one
    UPDATE per chunk. Registered with payments.hooks.on_entitlements_replaced in CasesConfig.ready."""
    # The open reviews are few beside a county's entitlements: read them and keep those of the replaced links,
    # rather than sending the million replaced ids to the database.
    replaced = set(old_ids)
    pending = Review.objects.filter(outcome=ReviewOutcome.PENDING).values_list("id", "entitlement_id")
    ids = [pk for pk, entitlement_id in pending.iterator(chunk_size=10_000) if entitlement_id in replaced]
    moved = 0
    for start in range(0, len(ids), 10_000):
        newer = Entitlement.objects.filter(previous=OuterRef("entitlement")).values("id")[:1]
        moved += Review.objects.filter(pk__in=ids[start : start + 10_000]).update(entitlement=Subquery(newer))
    return moved
