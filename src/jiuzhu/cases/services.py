"""Every write to applications. Each step checks the actor's capability, the case's region against the
actor's scope (out of scope: 404, the case does not exist for them) and the current state against
workflow.STEPS; it runs in one transaction on the row locked with select_for_update, records a CaseEvent
and an audit entry. An illegal step raises IllegalStep and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import checklists, deadlines, engine
from jiuzhu.cases.models import (
    ADL_ACTIVITIES,
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    Channel,
    EconomicCheck,
    HolidayOverride,
    Investigation,
    LinshiKind,
    Notice,
    NoticeEntry,
    Objection,
    ObjectionResolution,
    ReserveFundEntry,
    Review,
    ReviewKind,
    ReviewOutcome,
    SelfCareAssessment,
    Status,
)
from jiuzhu.cases.workflow import OPEN, STEPS
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.pii import mask_name
from jiuzhu.core.scope import require_scope
from jiuzhu.core.workdays import add_workdays
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Entitlement, EntitlementStatus, add_months, next_month
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Labor, Person

DIBAO = frozenset({"dibao_urban", "dibao_rural"})
TEKUN = frozenset({"tekun_central", "tekun_dispersed"})


class IllegalStep(ValidationError):
    """A step the case's current state does not allow. A ValidationError, so forms and the API show it."""

    code = "illegal_step"


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _require(actor: User, capability: Capability) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def _begin(actor: User, case: Case, action: str) -> Case:
    """Lock the case row and check capability, scope and state. Called inside the step's transaction."""
    step = STEPS[action]
    require_scope(actor, case.region_code)
    _require(actor, step.capability)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in step.sources:
        raise IllegalStep(
            _("申请 %(n)s 当前状态为“%(s)s”，不能执行“%(a)s”")
            % {"n": locked.number, "s": locked.get_status_display(), "a": step.label}
        )
    if step.county_for_staff_relatives and locked.staff_relative and not actor.is_county_level:
        raise PermissionDenied(_("经办人员近亲属的申请由县级民政部门调查核实"))
    return locked


def _due_for(case: Case, on: dt.date) -> dt.date | None:
    """The due date of the step a case now waits for."""
    rc = case.region_code
    s = case.status
    if s == Status.SUBMITTED:
        return deadlines.due_after(on, "case.days.accept", region_code=rc)
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
    key = "case.days.overall_extended" if case.extended else "case.days.overall"
    due = deadlines.due_after(case.accepted_at, key, region_code=case.region_code)
    if case.emergency_paid_at is not None:
        due = min(due, deadlines.due_after(case.emergency_paid_at, "case.days.linshi_paperwork"))
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


def _member_json(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "relation": p.relation,
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat(),
        "id_masked": p.id_masked,
        "disability_kind": p.disability_kind,
        "disability_grade": p.disability_grade,
        "serious_illness": p.serious_illness,
        "labor": p.labor,
        "adl_impossible": p.adl_impossible,
        "student": p.student,
        "employment": p.employment,
        "supporter": p.supporter,
        "orphan": p.orphan,
        "institution": p.institution,
        "prefers_dibao": p.prefers_dibao,
        "excluded": p.excluded,
        "date_of_death": p.date_of_death.isoformat() if p.date_of_death else None,
        **{
            k: str(getattr(p, k))
            for k in (
                "income_wage",
                "income_business",
                "income_property",
                "income_transfer",
                "income_other",
                "income_exempt",
                "rigid_medical",
                "rigid_rehab",
            )
        },
    }


def household_snapshot(*, household: Household) -> dict[str, Any]:
    """The household as it stands now: what the application keeps as 'the family when applying'."""
    return {
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "household": {
            "id": household.pk,
            "number": household.number,
            "region_code": household.region_code,
            "area": household.area,
            "head_name": household.head_name,
            "deposits": str(household.deposits),
            "vehicles": household.vehicles,
            "disability_vehicle": household.disability_vehicle,
            "homes": household.homes,
            "business": household.business,
        },
        "members": [_member_json(p) for p in household.members.order_by("id")],
    }


def snapshot_covered_size(case: Case) -> int:
    """How many people the application is for: what the notice shows as 保障人数."""
    if case.single_person or engine.is_person_program(case.program):
        return 1
    members = case.snapshot.get("members", [])
    return sum(1 for m in members if not m.get("excluded") and not m.get("date_of_death")) or 1


def _next_number(region_code: str, year: int) -> str:
    prefix = f"{region_code[:9]}{year}"
    last = Case.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


# ───────────────────────────── application ─────────────────────────────


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
    """The economic check's answer, entered by hand until the matching issue feeds it."""
    on = _today(on)
    case = _begin(actor, case, "record_check")
    if not result.strip():
        raise ValidationError({"result": _("请填写核对结果")})
    check = case.checks.order_by("-id").first() or EconomicCheck(case=case, requested_at=on, requested_by=actor)
    check.result, check.passed, check.recorded_at, check.recorded_by = result, passed, on, actor
    check.save()
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
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("金额不能为负数")})
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


# ───────────────────────────── public notice ─────────────────────────────


def notice_start_bounds(on: dt.date) -> tuple[dt.date, dt.date]:
    """A notice is often posted on the village board first and entered later, or prepared a few days
    ahead: its start date may lie up to 30 days back or 7 days ahead."""
    return on - dt.timedelta(days=30), on + dt.timedelta(days=7)


@transaction.atomic
def notice_publish(
    *, actor: User, cases: list[Case], start_date: dt.date | None = None, on: dt.date | None = None
) -> list[Notice]:
    """One notice per village from a batch of township opinions; each case moves to 公示中."""
    on = _today(on)
    start = start_date or on
    lo, hi = notice_start_bounds(on)
    if not lo <= start <= hi:
        raise ValidationError({"start_date": _("公示开始日期应在今天前 30 天至后 7 天之间")})
    if not cases:
        raise ValidationError(_("请选择要公示的申请"))
    locked = [_begin(actor, c, "publish_notice") for c in sorted(cases, key=lambda c: c.pk)]
    for c in locked:
        if not c.opinion_recommend:
            raise IllegalStep(_("申请 %(n)s 的乡镇意见为不予确认，无需公示，请报县级决定") % {"n": c.number})
        if c.opinion_at and start < c.opinion_at:
            raise ValidationError({"start_date": _("公示开始日期不能早于乡镇审核日期")})
    end = start + dt.timedelta(days=deadlines.days("case.days.notice") - 1)
    by_village: dict[str, list[Case]] = {}
    for c in locked:
        by_village.setdefault(c.region_code, []).append(c)
    notices = []
    for code, group in sorted(by_village.items()):
        village = Region.objects.get(code=code)
        serial = Notice.objects.filter(region_code=code).count() + 1
        notice = Notice.objects.create(
            number=f"GS{code}{start:%y}{serial:03d}",
            village=village,
            region_code=code,
            start_date=start,
            end_date=end,
            created_by=actor,
        )
        for c in group:
            NoticeEntry.objects.create(
                notice=notice,
                case=c,
                masked_name=mask_name(c.applicant.name),
                household_size=snapshot_covered_size(c),
                program_name=engine.program_name(c.program),
                amount=c.opinion_amount,
            )
            _move(c, actor=actor, action="publish_notice", to=Status.NOTICE, on=on, note=notice.number)
        notices.append(notice)
    return notices


def case_publish_notice(
    *, actor: User, case: Case, start_date: dt.date | None = None, on: dt.date | None = None
) -> Case:
    notice_publish(actor=actor, cases=[case], start_date=start_date, on=on)
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def case_record_objection(
    *, actor: User, case: Case, content: str, received_on: dt.date | None = None, on: dt.date | None = None
) -> Case:
    """An objection during the notice: the longer overall limit applies from now ([57] 第二十四条)."""
    on = _today(on)
    case = _begin(actor, case, "record_objection")
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    entry = case.notice_entries.select_related("notice").order_by("-id").first()
    Objection.objects.create(
        case=case,
        notice=entry.notice if entry else None,
        received_on=received_on or on,
        content=content,
        recorded_by=actor,
    )
    case.extended = True
    return _move(case, actor=actor, action="record_objection", to=Status.OBJECTED, on=on, note=content)


@transaction.atomic
def case_resolve_objection(*, actor: User, case: Case, resolution: str, text: str, on: dt.date | None = None) -> Case:
    """民主评议 sends the case back for a new notice; 重新调查 back to the home visit."""
    on = _today(on)
    case = _begin(actor, case, "resolve_objection")
    if resolution not in (ObjectionResolution.DEMOCRATIC_REVIEW, ObjectionResolution.REINVESTIGATE):
        raise ValidationError({"resolution": _("请选择民主评议或重新调查")})
    if not text.strip():
        raise ValidationError({"text": _("请填写处理结果")})
    case.objections.filter(resolution="").update(resolution=resolution, resolution_text=text, resolved_at=on)
    to = Status.TOWNSHIP_DONE if resolution == ObjectionResolution.DEMOCRATIC_REVIEW else Status.ACCEPTED
    return _move(case, actor=actor, action="resolve_objection", to=to, on=on, note=text)


# ───────────────────────────── decision ─────────────────────────────


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


def _require_not_maker(actor: User, case: Case) -> None:
    if case.opinion_by_id is not None and case.opinion_by_id == actor.pk:
        raise PermissionDenied(_("签署乡镇审核意见的人员不能同时作出审核确认决定"))


def _notice_over(case: Case, on: dt.date) -> None:
    entry = case.notice_entries.select_related("notice").order_by("-notice__end_date").first()
    if entry is None:
        raise IllegalStep(_("申请 %(n)s 尚未公示") % {"n": case.number})
    if entry.notice.end_date >= on:
        raise IllegalStep(
            _("公示期至 %(d)s 结束，公示期满后方可审核确认") % {"d": entry.notice.end_date.strftime("%Y-%m-%d")}
        )


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
    The row lock plus the state check make two approvers confirming at once end with one decision."""
    on = _today(on)
    case = _begin(actor, case, "confirm")
    _require_not_maker(actor, case)
    _notice_over(case, on)
    result = engine_for_case(case=case, on=on)
    computed = result.amount
    final = amount if amount is not None else (computed if computed is not None else case.opinion_amount)
    if final is None:
        raise ValidationError({"amount": _("请填写救助金额")})
    if final < 0:
        raise ValidationError({"amount": _("金额不能为负数")})
    if computed is not None and final != computed and not override_reason.strip():
        raise ValidationError({"override_reason": _("确认金额与系统测算金额不同，请写明理由")})
    if engine.is_monthly(case.program) and final <= 0:
        raise ValidationError({"amount": _("月救助金额为 0，应作不予确认处理")})
    case.computed_amount, case.approved_amount, case.override_reason = computed, final, override_reason
    case.engine_lines, case.decided_by, case.decided_at = result.lines, actor, on
    _move(
        case,
        actor=actor,
        action="confirm",
        to=Status.APPROVED,
        on=on,
        audit_after={"computed": computed, "approved": final, "override_reason": override_reason},
    )
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
        )
        review_schedule(entitlement=ent, case=case, after=on)
    return case


def _default_persons(case: Case) -> list[int]:
    if case.single_person or engine.is_person_program(case.program):
        return [case.applicant_id]
    return [int(m["id"]) for m in case.snapshot.get("members", []) if not m.get("excluded")]


@transaction.atomic
def case_refuse(*, actor: User, case: Case, reasons: str, on: dt.date | None = None) -> Case:
    """不予确认, with written reasons the household receives within 3 working days."""
    on = _today(on)
    case = _begin(actor, case, "refuse")
    _require_not_maker(actor, case)
    if not reasons.strip():
        raise ValidationError({"reasons": _("不予确认须写明理由")})
    case.decision_reasons, case.decided_by, case.decided_at = reasons, actor, on
    return _move(case, actor=actor, action="refuse", to=Status.REFUSED, on=on, note=reasons)


def refusal_notify_due(case: Case) -> dt.date | None:
    if case.decided_at is None:
        return None
    return deadlines.due_after(case.decided_at, "case.days.refusal_notice", region_code=case.region_code)


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str, on: dt.date | None = None) -> Case:
    on = _today(on)
    case = _begin(actor, case, "withdraw")
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    case.withdrawn_reason = reason
    return _move(case, actor=actor, action="withdraw", to=Status.WITHDRAWN, on=on, note=reason)


# ───────────────────────────── documents, notes, 特困 ─────────────────────────────


def _require_any(actor: User, *caps: Capability) -> None:
    if not any(actor.has_capability(c) for c in caps):
        raise PermissionDenied(_("您的角色无权执行此操作"))


@transaction.atomic
def case_document_add(*, actor: User, case: Case, kind: str, upload: UploadedFile) -> CaseDocument:
    _require_any(actor, Capability.SUBMIT_CASE, Capability.ACCEPT_CASE, Capability.INVESTIGATE)
    require_scope(actor, case.region_code)
    if case.is_closed:
        raise IllegalStep(_("申请已办结，不能再上传材料"))
    if kind not in dict(checklists.checklist(case.program)):
        raise ValidationError({"kind": _("未知的材料类型")})
    name = upload.name or ""
    ext = PurePath(name).suffix.lower()
    if ext not in checklists.ALLOWED_TYPES:
        raise ValidationError({"file": _("只能上传 PDF、JPG 或 PNG 文件")})
    if upload.size is None or upload.size > checklists.MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 10 MB")})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in checklists.MAGIC[ext]):
        raise ValidationError({"file": _("文件内容与扩展名不符")})
    doc = CaseDocument(
        case=case,
        kind=kind,
        original_name=PurePath(name).name[:200],
        size=upload.size,
        content_type=checklists.ALLOWED_TYPES[ext],
        uploaded_by=actor,
    )
    doc.file.save(name, upload, save=False)
    doc.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case_document",
        object_id=doc.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 上传材料 %(f)s") % {"n": case.number, "f": doc.original_name},
    )
    return doc


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    require_scope(actor, case.region_code)
    _require_any(actor, *(s.capability for s in STEPS.values()))
    if not text.strip():
        raise ValidationError({"text": _("备注不能为空")})
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case_note",
        object_id=note.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 添加备注") % {"n": case.number},
    )
    return note


@transaction.atomic
def case_assess_self_care(
    *,
    actor: User,
    case: Case,
    person: Person,
    can_do: dict[str, bool],
    assessors: list[str],
    assessed_on: dt.date,
) -> SelfCareAssessment:
    """特困 six-activity self-care assessment: all six → self-sufficient, up to three impossible → partly
    dependent, four or more → fully dependent ([TK])."""
    _require(actor, Capability.INVESTIGATE)
    require_scope(actor, case.region_code)
    if case.program not in TEKUN:
        raise ValidationError(_("生活自理能力评估只用于特困人员认定"))
    if case.status not in OPEN - {Status.NOTICE, Status.OBJECTED}:
        raise IllegalStep(_("申请当前状态不能再评估生活自理能力"))
    if person.household_id != case.household_id:
        raise ValidationError({"person": _("被评估人必须是本户成员")})
    codes = [code for code, _label in ADL_ACTIVITIES]
    if set(can_do) != set(codes):
        raise ValidationError(_("六项日常活动须逐项评估"))
    if len({a.strip() for a in assessors if a.strip()}) < 2:
        raise ValidationError({"assessors": _("评估人员不得少于 2 人")})
    assessment = SelfCareAssessment.objects.create(
        case=case,
        person=person,
        assessed_on=assessed_on,
        assessors=[a.strip() for a in assessors if a.strip()],
        recorded_by=actor,
        **{c: bool(can_do[c]) for c in codes},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="self_care",
        object_id=assessment.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 生活自理能力评估：%(k)d 项不能自理") % {"n": case.number, "k": assessment.impossible},
    )
    return assessment


# ───────────────────────────── 急难型临时救助 and the reserve fund ─────────────────────────────


def reserve_balance(*, township_code: str) -> Decimal:
    total = ReserveFundEntry.objects.filter(region_code=township_code).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


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
    _require(actor, Capability.EMERGENCY_AID)
    require_scope(actor, case.region_code)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.program != "linshi" or case.linshi_kind != LinshiKind.EMERGENCY:
        raise IllegalStep(_("只有急难型临时救助可以先行救助"))
    if case.status not in OPEN:
        raise IllegalStep(_("申请已办结，不能先行救助"))
    if case.emergency_paid_at is not None:
        raise IllegalStep(_("该申请已先行救助"))
    cap = Decimal(deadlines.case_parameter("case.money.linshi_township_cap", region_code=case.region_code, on=on))
    if amount <= 0 or amount > cap:
        raise ValidationError({"amount": _("先行救助金额应大于 0 且不超过乡镇审批额度 %(c)s 元") % {"c": cap}})
    township = Region.objects.get(code=case.township_code)
    if reserve_balance(township_code=township.code) < amount:
        raise ValidationError({"amount": _("乡镇备用金余额不足")})
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


# ───────────────────────────── dynamic management ─────────────────────────────


def _can_work(member: dict[str, Any], on: dt.date) -> bool:
    birth = dt.date.fromisoformat(member["birth_date"])
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return member.get("labor") == Labor.FULL and 16 <= age < 60 and not member.get("date_of_death")


def review_interval_months(*, case: Case, on: dt.date) -> int:
    """Yearly; every 6 months where income is irregular and a member can work (never for 特困)."""
    if (
        case.program not in TEKUN
        and case.income_irregular
        and any(_can_work(m, on) for m in case.snapshot.get("members", []))
    ):
        return deadlines.days("review.months.irregular", region_code=case.region_code, on=on)
    return deadlines.days("review.months.stable", region_code=case.region_code, on=on)


def review_schedule(*, entitlement: Entitlement, case: Case | None, after: dt.date) -> Review:
    months = review_interval_months(case=case, on=after) if case else deadlines.days("review.months.stable")
    return Review.objects.create(
        entitlement=entitlement,
        region_code=entitlement.region_code,
        kind=ReviewKind.SCHEDULED,
        due_date=add_months(after, months),
    )


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
    """A review's outcome. Continuing is the township's to record; changing, gradual exit and stopping
    are county decisions and need written reasons. Every change takes effect from next month."""
    on = _today(on)
    _require(actor, Capability.REVIEW_ENTITLEMENT)
    require_scope(actor, review.region_code)
    review = Review.objects.select_for_update().select_related("entitlement").get(pk=review.pk)
    if not review.is_open:
        raise IllegalStep(_("该复核已办结"))
    if outcome not in ReviewOutcome.values or outcome == ReviewOutcome.PENDING:
        raise ValidationError({"outcome": _("请选择复核结果")})
    if outcome != ReviewOutcome.CONTINUE:
        _require(actor, Capability.CONFIRM_CASE)
        if not reasons.strip():
            raise ValidationError({"reasons": _("调整、渐退或停止须写明理由")})
    ent = review.entitlement
    case = ent.source_case
    if outcome == ReviewOutcome.CHANGE:
        if new_amount is None or new_amount <= 0:
            raise ValidationError({"new_amount": _("请填写调整后的月金额")})
        ent = payments.entitlement_change_amount(
            actor=actor, entitlement=ent, monthly_amount=new_amount, reason=reasons, on=on
        )
    elif outcome == ReviewOutcome.GRADUAL_EXIT:
        max_months = deadlines.days("review.months.gradual_exit_max", region_code=review.region_code, on=on)
        payments.entitlement_gradual_exit(
            actor=actor, entitlement=ent, months=exit_months or 0, reason=reasons, on=on, max_months=max_months
        )
    elif outcome == ReviewOutcome.STOP:
        payments.entitlement_stop(actor=actor, entitlement=ent, reason=reasons, on=on)
    review.outcome, review.reasons, review.new_amount, review.exit_months = outcome, reasons, new_amount, exit_months
    review.decided_by, review.decided_at = actor, on
    review.save()
    if outcome in (ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE):
        review_schedule(entitlement=ent, case=case, after=on)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="review",
        object_id=review.pk,
        region_code=review.region_code,
        summary=_("复核户 %(h)s：%(o)s")
        % {"h": review.entitlement.household.number, "o": review.get_outcome_display()},
        after={"outcome": outcome, "new_amount": new_amount, "exit_months": exit_months},
    )
    return review


@transaction.atomic
def recheck_on_death(*, person: Person, actor: User | None = None, on: dt.date | None = None) -> list[Review]:
    """A member's recorded death: every running entitlement of the household gets a re-check due within
    3 months ([57] 第三十条). Idempotent: an open death re-check is not created twice.

    Called by registry's person_update when date_of_death is set."""
    if person.date_of_death is None:
        return []
    on = _today(on)
    months = deadlines.days("review.months.death", region_code=person.household.region_code, on=on)
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


# ───────────────────────────── holiday calendar ─────────────────────────────


@transaction.atomic
def holiday_override_set(*, actor: User, date: dt.date, is_workday: bool, note: str = "") -> HolidayOverride:
    _require(actor, Capability.MANAGE_PARAMETERS)
    row, created = HolidayOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note, "updated_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="holiday_override",
        object_id=date.isoformat(),
        summary=_("%(d)s 设为%(k)s") % {"d": date.isoformat(), "k": _("工作日") if is_workday else _("休息日")},
        after={"is_workday": is_workday, "note": note},
    )
    return row


@transaction.atomic
def holiday_override_delete(*, actor: User, date: dt.date) -> None:
    _require(actor, Capability.MANAGE_PARAMETERS)
    deleted, _n = HolidayOverride.objects.filter(date=date).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="holiday_override",
            object_id=date.isoformat(),
            summary=_("取消 %(d)s 的节假日调整") % {"d": date.isoformat()},
        )


def working_deadline(start: dt.date, n: int) -> dt.date:
    """Re-exported for templates and the API that show 'due in n working days'."""
    return add_workdays(start, n)
