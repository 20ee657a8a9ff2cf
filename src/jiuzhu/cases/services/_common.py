"""What every step shares: the capability, scope and state check that opens it (`_begin`) and the move that
closes it (`_move`: the new state, its deadlines, a CaseEvent and an audit entry)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import deadlines
from jiuzhu.cases.models import Case, CaseEvent, Status
from jiuzhu.cases.workflow import OPEN, STEPS, TEKUN, Refusal, step_refusal
from jiuzhu.core.audit import audit_record
from jiuzhu.core.counters import counter_next
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import amount_problem
from jiuzhu.core.scope import require_scope
from jiuzhu.policy.parameters import parameter_label
from jiuzhu.policy.rules.params import PARAMETER_SPECS


class IllegalStep(ValidationError):
    """A step the case's current state does not allow. A ValidationError, so forms and the API show it."""

    code = "illegal_step"


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _require(actor: User, capability: Capability) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise PermissionDenied(refusal.message) if refusal.forbidden else IllegalStep(refusal.message)


def _begin(actor: User, case: Case, action: str, *, on: dt.date | None = None) -> Case:
    """Lock the case row, then ask workflow.step_refusal whether this actor may take the action on it now.
    Called inside the action's transaction; the lock makes two concurrent decisions end with one."""
    require_scope(actor, case.region_code)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _refuse(step_refusal(actor, locked, action, on=on))
    return locked


def _due_for(case: Case, on: dt.date) -> dt.date | None:
    """The due date of the step a case now waits for."""
    rc = case.region_code
    s = case.status
    if s == Status.SUBMITTED:  # from the submission, or from the day the materials were completed
        return deadlines.due_after(on, "case.days.accept", region_code=rc)
    if s == Status.SUPPLEMENT:  # the applicant's time to supply what was asked
        return deadlines.due_after(on, "case.days.supplement", region_code=rc)
    if s == Status.ACCEPTED:
        return deadlines.due_after(on, "case.days.investigation_start", region_code=rc)
    if s == Status.INVESTIGATED:
        return deadlines.due_after(on, "case.days.check_start", region_code=rc)
    if s in (Status.CHECKED, Status.TOWNSHIP_DONE) and case.program in TEKUN and case.accepted_at:
        return min(
            deadlines.due_after(case.accepted_at, "case.days.tekun_township", region_code=rc),
            case.overall_due or dt.date.max,
        )
    if s == Status.NOTICE:
        notice = case.notice_entries.select_related("notice").order_by("-notice__end_date").first()
        end = notice.notice.end_date if notice else on
        return deadlines.due_after(end, "case.days.county", region_code=rc)
    if s in OPEN:
        return case.overall_due
    return None


def _overall_due(case: Case) -> dt.date | None:
    if case.accepted_at is None:
        return None
    key = deadlines.overall_key(region_code=case.region_code, accepted=case.accepted_at, extended=case.extended)
    due = deadlines.due_after(case.accepted_at, key, region_code=case.region_code)
    if case.emergency_paid_at is not None:
        paperwork = deadlines.due_after(
            case.emergency_paid_at, "case.days.linshi_paperwork", region_code=case.region_code
        )
        due = min(due, paperwork)
    return due


def _move(
    case: Case, *, actor: User, action: str, to: Status, on: dt.date, note: str = "", audit_after: Any = None
) -> Case:
    was, was_due = case.status, case.due_date
    case.status = Status(to)
    case.overall_due = _overall_due(case)
    case.due_date = _due_for(case, on)
    case.save()
    CaseEvent.objects.create(
        case=case, action=action, from_status=was, to_status=to, actor=actor, on=on, was_due=was_due, note=note[:300]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="case",
        object_id=case.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s：%(a)s") % {"n": case.number, "a": STEPS[action].label if action in STEPS else action},
        before={"status": was},
        after={"status": to, **(audit_after or {})},
    )
    return case


def _note_step(
    case: Case, *, actor: User, action: str, on: dt.date, note: str, summary: str, audit_after: Any = None
) -> None:
    """A step that leaves the case where it is (an amount sent for its second check, or sent back): its line in
    the history and its audit entry, as _move writes them for a step that moves the case."""
    CaseEvent.objects.create(
        case=case, action=action, from_status=case.status, to_status=case.status, actor=actor, on=on, note=note[:300]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="case",
        object_id=case.pk,
        region_code=case.region_code,
        summary=summary,
        after=audit_after,
    )


def _next_number(region_code: str, year: int) -> str:
    """申请编号: the township's code, the year and a serial, from the township's locked counter."""
    prefix = f"{region_code[:9]}{year}"

    def highest() -> int:
        last = Case.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
        return int(last[len(prefix) :]) if last else 0

    return f"{prefix}{counter_next(kind='case', key=prefix, floor=highest):05d}"


def _amount_checked(program: str, amount: Decimal, *, region_code: str, on: dt.date, field: str = "amount") -> None:
    """An amount a person enters for a decision: recordable (core.money) and within the programme's cap (the
    dated regional parameter case.money.cap.<programme>)."""
    problem = amount_problem(amount)
    if problem is not None:
        raise ValidationError({field: problem})
    key = f"case.money.cap.{program}"
    if key not in PARAMETER_SPECS:
        return
    cap = Decimal(deadlines.case_parameter(key, region_code=region_code, on=on))
    if amount > cap:
        raise ValidationError(
            {field: _("金额超过该项目的确认上限 %(c)s 元（参数“%(l)s”）") % {"c": cap, "l": parameter_label(key)}}
        )
