"""The township proposes, the county decides (乡镇提请、县级审批): a change of amount, a gradual exit or a stop
found at a review is the county's decision ([57] 第三十一条). The township records its finding and proposal; a
county approver other than the proposer approves it (it takes effect from next month) or returns it with
reasons to the township's to-do list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import engine
from jiuzhu.cases.models import Review, ReviewOutcome, ReviewStep
from jiuzhu.cases.services._common import IllegalStep, _require, _today
from jiuzhu.cases.services.reviews import (
    COUNTY_OUTCOMES,
    _apply,
    _outcome_checked,
    outcome_summary,
    review_event,
    review_open,
)
from jiuzhu.cases.services.snapshot import household_snapshot
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.payments.models import Entitlement
from jiuzhu.payments.selectors import covered_rows


def _locked_open(actor: User, review: Review) -> Review:
    require_scope(actor, review.region_code)
    locked = (
        Review.objects.select_for_update().select_related("entitlement", "entitlement__household").get(pk=review.pk)
    )
    if not locked.is_open:
        raise IllegalStep(_("该复核已办结"))
    return locked


def _audit(actor: User, review: Review, summary: str, after: dict[str, object]) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="review",
        object_id=review.pk,
        region_code=review.region_code,
        summary=_("复核户 %(h)s：%(s)s") % {"h": review.entitlement.household.number, "s": summary},
        after=after,
    )


@transaction.atomic
def review_propose(
    *,
    actor: User,
    review: Review,
    outcome: str,
    reasons: str,
    new_amount: Decimal | None = None,
    exit_months: int | None = None,
    on: dt.date | None = None,
) -> Review:
    """The township's finding and proposal: change the amount, gradual exit or stop, with reasons. Checked as
    the decision itself will be (amount within the cap, months within the 渐退期上限), so the county decides
    on a proposal it may carry out."""
    on = _today(on)
    _require(actor, Capability.REVIEW_ENTITLEMENT)
    review = _locked_open(actor, review)
    if review.is_proposed:
        raise IllegalStep(_("该复核已提请县级审批，请等待县级审批同意或退回"))
    if outcome not in COUNTY_OUTCOMES:
        raise ValidationError({"outcome": _("请选择提请县级审批的复核结果：调整金额、渐退或停止")})
    _outcome_checked(review, outcome=outcome, reasons=reasons, new_amount=new_amount, exit_months=exit_months, on=on)
    amount = new_amount if outcome == ReviewOutcome.CHANGE else None
    months = exit_months if outcome == ReviewOutcome.GRADUAL_EXIT else None
    review.proposed_outcome, review.proposed_amount, review.proposed_exit_months = outcome, amount, months
    review.proposed_reasons, review.proposed_by, review.proposed_at = reasons, actor, on
    review.save()
    review_event(
        review, step=ReviewStep.PROPOSE, actor=actor, on=on, outcome=outcome, amount=amount, exit_months=months,
        note=reasons,
    )  # fmt: skip
    summary = _("提请县级审批：%(o)s") % {"o": outcome_summary(outcome, amount, months)}
    _audit(actor, review, summary, {"proposed_outcome": outcome, "proposed_reasons": reasons})
    return review


def _decider_checked(actor: User, review: Review) -> None:
    if not review.is_proposed:
        raise IllegalStep(_("该复核没有待县级审批的提请"))
    if review.proposed_by_id == actor.pk:
        raise PermissionDenied(_("提请人不能审批自己的提请，须由另一名县级审批人员决定"))


@transaction.atomic
def review_approve(*, actor: User, review: Review, on: dt.date | None = None) -> Review:
    """The county approves the township's proposal as proposed: it takes effect from next month through the
    payments services (cause REVIEW). The amount is checked again against the cap in force today."""
    on = _today(on)
    _require(actor, Capability.CONFIRM_CASE)
    review = _locked_open(actor, review)
    _decider_checked(actor, review)
    outcome, amount, months = review.proposed_outcome, review.proposed_amount, review.proposed_exit_months
    reasons = review.proposed_reasons
    _outcome_checked(review, outcome=outcome, reasons=reasons, new_amount=amount, exit_months=months, on=on)
    _apply(actor=actor, review=review, outcome=outcome, reasons=reasons, new_amount=amount, exit_months=months, on=on)
    review_event(
        review, step=ReviewStep.APPROVE, actor=actor, on=on, outcome=outcome, amount=amount, exit_months=months
    )
    summary = _("县级审批同意：%(o)s") % {"o": outcome_summary(outcome, amount, months)}
    _audit(actor, review, summary, {"outcome": outcome, "proposed_by": review.proposed_by_id})
    return review


@transaction.atomic
def review_return(*, actor: User, review: Review, reasons: str, on: dt.date | None = None) -> Review:
    """The county returns the proposal with reasons: the review goes back to the township's to-do list, to be
    proposed again or recorded as 继续享受."""
    on = _today(on)
    _require(actor, Capability.CONFIRM_CASE)
    review = _locked_open(actor, review)
    _decider_checked(actor, review)
    if not reasons.strip():
        raise ValidationError({"reasons": _("退回须写明理由")})
    review.proposed_outcome, review.proposed_amount, review.proposed_exit_months = "", None, None
    review.returned_reasons, review.returned_by, review.returned_at = reasons, actor, on
    review.save()
    review_event(review, step=ReviewStep.RETURN, actor=actor, on=on, note=reasons)
    _audit(actor, review, _("县级退回提请"), {"returned_reasons": reasons})
    return review


@transaction.atomic
def review_withdraw(*, actor: User, review: Review, reasons: str, on: dt.date | None = None) -> Review:
    """The township withdraws its proposal before the county decides (a fact was wrong, the family's situation
    changed): the review is open again on the township's to-do list, to be proposed anew or recorded."""
    on = _today(on)
    _require(actor, Capability.REVIEW_ENTITLEMENT)
    review = _locked_open(actor, review)
    if not review.is_proposed:
        raise IllegalStep(_("该复核没有待县级审批的提请"))
    if not reasons.strip():
        raise ValidationError({"reasons": _("撤回须写明理由")})
    withdrawn = review.proposed_outcome
    review.proposed_outcome, review.proposed_amount, review.proposed_exit_months = "", None, None
    review.save()
    review_event(review, step=ReviewStep.WITHDRAW, actor=actor, on=on, outcome=withdrawn, note=reasons)
    _audit(actor, review, _("乡镇撤回提请"), {"withdrawn_outcome": withdrawn, "reasons": reasons})
    return review


@transaction.atomic
def entitlement_stop_propose(
    *, actor: User, entitlement: Entitlement, reasons: str, on: dt.date | None = None
) -> Review:
    """申请停保 outside a scheduled review: a re-check on demand, due today, with the township's proposal to
    stop, for the county to decide. An open on-demand review already waiting is proposed, not doubled."""
    on = _today(on)
    if not reasons.strip():
        raise ValidationError({"reasons": _("申请停保须写明理由")})
    review = review_open(actor=actor, entitlement=entitlement, due_date=on, note=_("乡镇申请停保"))
    return review_propose(actor=actor, review=review, outcome=ReviewOutcome.STOP, reasons=reasons, on=on)


def engine_for_review(*, review: Review, on: dt.date) -> engine.EngineResult:
    """The engine's result for the reviewed household as the registry holds it now: what the county weighs a
    proposal against. A one-person 低保 in a larger household is read as 单人保, a person programme for its
    covered person."""
    ent = review.entitlement
    persons = list(ent.persons.order_by("id"))
    household = ent.household
    single = ent.program.startswith("dibao") and len(persons) == 1 and household.members.count() > 1
    return engine.evaluate_snapshot(
        snapshot=household_snapshot(household=household),
        program=ent.program,
        on=on,
        applicant_id=persons[0].pk if persons else None,
        single_person=single,
    )


def engines_for_reviews(*, reviews: list[Review], on: dt.date) -> list[engine.EngineResult]:
    """`engine_for_review`'s eligibility and amount (no explanation lines) for many reviews in one pass of the
    engine, in order: the county's list of proposals beside what the registry gives now."""
    if not reviews:
        return []
    ents = [r.entitlement for r in reviews]
    covered = _covered_persons(ent_ids=[e.pk for e in ents])
    sizes = engine.household_sizes(ids=[e.household_id for e in ents])
    asks = []
    for ent in ents:
        persons = covered.get(ent.pk, [])
        single = ent.program.startswith("dibao") and len(persons) == 1 and sizes.get(ent.household_id, 0) > 1
        asks.append(
            engine.AmountAsk(ent.household_id, ent.program, persons[0] if persons else None, single_person=single)
        )
    return engine.amounts_now(asks=asks, on=on)


def _covered_persons(*, ent_ids: list[int]) -> dict[int, list[int]]:
    """The persons each entitlement covers, by id (as `ent.persons.order_by("id")`), in one query."""
    out: dict[int, list[int]] = {}
    for person_id, ent_id in sorted(covered_rows(Entitlement.objects.filter(pk__in=ent_ids), "id")):
        out.setdefault(ent_id, []).append(person_id)
    return out
