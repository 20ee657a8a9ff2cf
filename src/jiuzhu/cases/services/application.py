"""The application from submission to the township's opinion, and its withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import engine
from jiuzhu.cases.models import Case, CaseEvent, Channel, EconomicCheck, Investigation, LinshiKind, Status
from jiuzhu.cases.services._common import _amount_checked, _begin, _due_for, _move, _next_number, _require, _today
from jiuzhu.cases.services.decision import engine_for_case
from jiuzhu.cases.services.snapshot import household_snapshot
from jiuzhu.cases.workflow import DIBAO, OPEN
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.registry.models import Household, Person


@transaction.atomic
def case_submit(
    *,
    actor: User,
    household: Household,
    program: str,
    applicant: Person,
    channel: str = Channel.WINDOW,
    reason: str = "",
    single_person: bool = False,
    linshi_kind: str = "",
    staff_relative: bool = False,
    staff_relative_note: str = "",
    on: dt.date | None = None,
) -> Case:
    """Enter an application on the family's behalf, with the household as it stands today."""
    _require(actor, Capability.SUBMIT_CASE)
    require_scope(actor, household.region_code)
    on = _today(on)
    errors: dict[str, str] = {}
    if program not in dict(engine.program_choices()):
        errors["program"] = _("未知的救助项目")
    if applicant.household_id != household.pk:
        errors["applicant"] = _("申请人必须是本户成员")
    elif applicant.date_of_death is not None:
        errors["applicant"] = _("申请人已登记死亡")
    if channel not in Channel.values:
        errors["channel"] = _("未知的申请方式")
    if program == "linshi" and linshi_kind not in (LinshiKind.EMERGENCY, LinshiKind.EXPENSE):
        errors["linshi_kind"] = _("临时救助须选择急难型或支出型")
    if program != "linshi" and linshi_kind:
        errors["linshi_kind"] = _("只有临时救助区分急难型和支出型")
    if single_person and program not in DIBAO:
        errors["single_person"] = _("单人保只适用于低保")
    if staff_relative and not staff_relative_note.strip():
        errors["staff_relative_note"] = _("请写明与经办人员或村干部的近亲属关系")
    if errors:
        raise ValidationError(errors)
    # Lock the household: a double submit waits here and then finds the first application open.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if Case.objects.filter(household=household, program=program, status__in=OPEN).exists():
        raise ValidationError({"program": _("该户已有同一项目的申请正在办理")})
    case = Case.objects.create(
        number=_next_number(household.region_code, on.year),
        household=household,
        region_code=household.region_code,
        program=program,
        channel=channel,
        applicant=applicant,
        single_person=single_person,
        linshi_kind=linshi_kind,
        reason=reason,
        snapshot=household_snapshot(household=household),
        staff_relative=staff_relative,
        staff_relative_note=staff_relative_note,
        submitted_at=on,
        submitted_by=actor,
    )
    case.due_date = _due_for(case, on)
    case.save(update_fields=["due_date"])
    CaseEvent.objects.create(case=case, action="submit", to_status=case.status, actor=actor, on=on)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case",
        object_id=case.pk,
        region_code=case.region_code,
        summary=_("户 %(h)s 申请 %(p)s，编号 %(n)s")
        % {"h": household.number, "p": engine.program_name(program), "n": case.number},
        after={"program": program, "channel": channel, "staff_relative": staff_relative},
    )
    return case


@transaction.atomic
def case_accept(
    *,
    actor: User,
    case: Case,
    staff_relative: bool | None = None,
    staff_relative_note: str = "",
    on: dt.date | None = None,
) -> Case:
    """受理. The township may register here that the applicant is a near relative of staff."""
    on = _today(on)
    case = _begin(actor, case, "accept")
    if staff_relative:
        if not staff_relative_note.strip():
            raise ValidationError({"staff_relative_note": _("请写明与经办人员或村干部的近亲属关系")})
        case.staff_relative, case.staff_relative_note = True, staff_relative_note
    case.accepted_at = on
    return _move(case, actor=actor, action="accept", to=Status.ACCEPTED, on=on)


@transaction.atomic
def case_investigate(
    *,
    actor: User,
    case: Case,
    visit_date: dt.date,
    investigators: list[str],
    findings: str,
    family_confirmed: bool,
    income_irregular: bool = False,
    on: dt.date | None = None,
) -> Case:
    """入户调查: at least two investigators, both sides sign ([57] 第十六条)."""
    on = _today(on)
    case = _begin(actor, case, "investigate")
    names = [n.strip() for n in investigators if n and n.strip()]
    errors: dict[str, str] = {}
    if len(set(names)) < 2:
        errors["investigators"] = _("入户调查人员不得少于 2 人")
    if not findings.strip():
        errors["findings"] = _("请填写调查情况")
    if not family_confirmed:
        errors["family_confirmed"] = _("调查结果须经申请人签字确认")
    if case.accepted_at and visit_date < case.accepted_at:
        errors["visit_date"] = _("调查日期不能早于受理日期")
    if visit_date > on:
        errors["visit_date"] = _("调查日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    Investigation.objects.create(
        case=case,
        visit_date=visit_date,
        investigators=names,
        findings=findings,
        family_confirmed=True,
        recorded_by=actor,
    )
    case.income_irregular = income_irregular
    return _move(case, actor=actor, action="investigate", to=Status.INVESTIGATED, on=on)


@transaction.atomic
def case_request_check(*, actor: User, case: Case, on: dt.date | None = None) -> Case:
    on = _today(on)
    case = _begin(actor, case, "request_check")
    EconomicCheck.objects.create(case=case, requested_at=on, requested_by=actor)
    return _move(case, actor=actor, action="request_check", to=Status.CHECKING, on=on)


@transaction.atomic
def case_record_check(*, actor: User, case: Case, result: str, passed: bool, on: dt.date | None = None) -> Case:
    """The economic check's answer; registered apps keep their evidence with it (cases.extensions)."""
    on = _today(on)
    case = _begin(actor, case, "record_check")
    if not result.strip():
        raise ValidationError({"result": _("请填写核对结果")})
    check = case.checks.order_by("-id").first() or EconomicCheck(case=case, requested_at=on, requested_by=actor)
    check.result, check.passed, check.recorded_at, check.recorded_by = result, passed, on, actor
    check.save()
    # Higher apps keep their evidence with the check (matching: what the external registers said).
    from jiuzhu.cases.extensions import check_recorded

    check_recorded(case=case, check=check, actor=actor)
    return _move(case, actor=actor, action="record_check", to=Status.CHECKED, on=on, note=result)


@transaction.atomic
def case_township_opinion(
    *,
    actor: User,
    case: Case,
    recommend: bool,
    text: str,
    amount: Decimal | None = None,
    on: dt.date | None = None,
) -> Case:
    on = _today(on)
    case = _begin(actor, case, "township_opinion")
    if not text.strip():
        raise ValidationError({"text": _("请填写乡镇审核意见")})
    if amount is not None:
        _amount_checked(case.program, amount, region_code=case.region_code, on=on)
    if recommend and amount is None and engine.is_monthly(case.program):
        amount = engine_for_case(case=case, on=on).amount
    case.opinion_recommend, case.opinion_text, case.opinion_amount = recommend, text, amount
    case.opinion_by, case.opinion_at = actor, on
    return _move(
        case,
        actor=actor,
        action="township_opinion",
        to=Status.TOWNSHIP_DONE,
        on=on,
        note=text,
        audit_after={"recommend": recommend, "amount": amount},
    )


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str, on: dt.date | None = None) -> Case:
    on = _today(on)
    case = _begin(actor, case, "withdraw")
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    case.withdrawn_reason = reason
    return _move(case, actor=actor, action="withdraw", to=Status.WITHDRAWN, on=on, note=reason)
