"""Every write to grievances, by business step. Each step locks the row, asks workflow.step_refusal whether the
actor may take it now (capability, scope, state), records a GrievanceEvent (the timeline) and an audit entry.
A refused step raises PermissionDenied or IllegalStep (a ValidationError) and changes nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import services as cases
from jiuzhu.cases.deadlines import case_parameter
from jiuzhu.cases.models import Case
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import in_scope
from jiuzhu.grievances.models import (
    OPEN_STATES,
    Channel,
    Grievance,
    GrievanceCounter,
    GrievanceEvent,
    Kind,
    Satisfaction,
    State,
    Topic,
)
from jiuzhu.grievances.validation import (
    ANSWER_MAX,
    CONTENT_MAX,
    CONTENT_MIN,
    NAME_MAX,
    NOTE_MAX,
    clean_phone,
    clean_text,
)
from jiuzhu.grievances.workflow import STEPS, days_key, due_from, step_refusal
from jiuzhu.payments.models import Entitlement, EntitlementStatus
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Person

NUMBER_PREFIX = "TS"
# No 0/O, 1/I/L: a code read out over the phone or copied from a slip of paper survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class IllegalStep(ValidationError):
    code = "illegal_step"


@dataclass(frozen=True)
class Submitted:
    grievance: Grievance
    number: str
    query_code: str  # shown to the complainant once; only its keyed hash is stored


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return pii.secret_hash("grievance:" + normalise_code(code))


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def deadline_days(kind: str, *, region_code: str, on: dt.date) -> int:
    """The kind's time limit in working days, as in force for the region on `on` (grievance.days.*)."""
    return int(case_parameter(days_key(kind), region_code=region_code, on=on))


def _next_number(on: dt.date) -> str:
    """TS + year and month + a serial within the month, drawn under the month's counter row lock; a first
    number of a month racing another is settled by the unique period (get_or_create retries on the clash)."""
    period = on.strftime("%Y%m")
    counter, _created = GrievanceCounter.objects.select_for_update().get_or_create(period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}{period}{counter.last:04d}"


def _choice(value: str, choices: Any, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message})
    return str(value)


def _subject_region(
    case: Case | None, household: Household | None, person: Person | None, staff: User | None
) -> str | None:
    for obj in (case, household, person):
        if obj is not None:
            return str(obj.region_code)
    if staff is not None and staff.region is not None and staff.region.level >= Level.TOWNSHIP:
        return staff.region.code
    return None


def _check_region(region: Region, actor: User | None) -> None:
    if region.level not in (Level.TOWNSHIP, Level.VILLAGE):
        raise ValidationError({"region": _("请选择所涉乡镇（街道）或村（社区）")})
    if actor is not None and not in_scope(actor, region.code):
        raise ValidationError({"region": _("所涉地区不在您的管辖范围内")})


def _check_subjects(actor: User | None, *subjects: Any) -> None:
    if actor is None:
        return
    for obj in subjects:
        code = getattr(obj, "region_code", None) or (obj.region.code if getattr(obj, "region", None) else "")
        if obj is not None and not in_scope(actor, code):
            raise ValidationError(_("所涉对象不在您的管辖范围内"))


def _check_channel(channel: str, actor: User | None) -> None:
    _choice(channel, Channel, "channel", _("请选择来源渠道"))
    if actor is None and channel != Channel.PORTAL:
        raise ValidationError({"channel": _("群众自行提交的只能是网上渠道")})
    if actor is not None:
        if not actor.has_capability(Capability.RECORD_GRIEVANCE):
            raise PermissionDenied(_("您的角色无权执行此操作"))
        if channel == Channel.PORTAL:
            raise ValidationError({"channel": _("窗口登记请选择窗口、电话或来信")})


@transaction.atomic
def grievance_submit(
    *,
    channel: Channel | str,
    kind: Kind | str,
    content: str,
    region: Region | None,
    anonymous: bool,
    contact_name: str = "",
    contact_phone: str = "",
    subject_case: Case | None = None,
    subject_household: Household | None = None,
    subject_person: Person | None = None,
    subject_staff: User | None = None,
    topic: Topic | str = Topic.OTHER,
    actor: User | None = None,
    on: dt.date | None = None,
) -> Submitted:
    """A grievance received from the portal (actor None) or recorded at a desk (window, phone, letter).

    Anonymous: no name or phone is stored, whatever was typed. The deadline runs from today in working days,
    by kind. The query code is returned here once and kept only as a keyed hash."""
    on = _today(on)
    _check_channel(channel, actor)
    _choice(kind, Kind, "kind", _("请选择类型"))
    _choice(topic, Topic, "topic", _("请选择问题类别"))
    content = clean_text("content", content, label=_("反映内容"), maximum=CONTENT_MAX, minimum=CONTENT_MIN)
    if subject_case is not None and subject_household is None:
        subject_household = subject_case.household
    _check_subjects(actor, subject_case, subject_household, subject_person, subject_staff)
    if region is None:
        code = _subject_region(subject_case, subject_household, subject_person, subject_staff)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise ValidationError({"region": _("请选择所涉乡镇（街道）或村（社区）")})
    _check_region(region, actor)
    name, phone = "", ""
    if not anonymous:
        name = clean_text("contact_name", contact_name, label=_("联系人"), maximum=NAME_MAX)
        phone = clean_phone(contact_phone)
        if not name:
            raise ValidationError({"contact_name": _("实名反映请填写联系人姓名，或选择匿名")})
    query_code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    days = deadline_days(kind, region_code=region.code, on=on)
    grievance = Grievance.objects.create(
        number=_next_number(on),
        kind=kind,
        channel=channel,
        topic=topic,
        content=content,
        region=region,
        region_code=region.code,
        anonymous=anonymous,
        contact_name=name,
        contact_phone_enc=pii.encrypt(phone),
        contact_phone_masked=pii.mask_phone(phone),
        query_hash=code_hash(query_code),
        subject_case=subject_case,
        subject_household=subject_household,
        subject_person=subject_person,
        subject_staff=subject_staff,
        received_on=on,
        due_date=due_from(on, days),
        created_by=actor,
    )
    GrievanceEvent.objects.create(grievance=grievance, action="receive", to_state=State.RECEIVED, actor=actor, on=on)
    audit_record(
        actor=actor or "portal",
        action=AuditAction.CREATE,
        object_type="grievance",
        object_id=grievance.pk,
        region_code=grievance.region_code,
        summary=_("受理%(k)s %(n)s（%(c)s）")
        % {"k": grievance.get_kind_display(), "n": grievance.number, "c": grievance.get_channel_display()},
        after={"kind": kind, "channel": channel, "due_date": grievance.due_date, "anonymous": anonymous},
    )
    return Submitted(grievance, grievance.number, query_code)


def _visible(user: User, grievance: Grievance) -> bool:
    return in_scope(user, grievance.region_code) or bool(
        grievance.assigned_code and in_scope(user, grievance.assigned_code)
    )


def _begin(actor: User, grievance: Grievance, action: str) -> Grievance:
    """Lock the row, then ask the workflow. Out of the actor's sight: 404, as if it did not exist."""
    if not _visible(actor, grievance):
        raise Http404
    locked = Grievance.objects.select_for_update().get(pk=grievance.pk)
    refusal = step_refusal(actor, locked, action)
    if refusal is not None:
        raise PermissionDenied(refusal.message) if refusal.forbidden else IllegalStep(refusal.message)
    return locked


def _move(
    grievance: Grievance,
    *,
    actor: User | None,
    action: str,
    on: dt.date,
    note: str = "",
    to: State | None = None,
    audit_after: dict[str, Any] | None = None,
) -> Grievance:
    was = grievance.state
    if to is not None:
        grievance.state = to
    grievance.save()
    GrievanceEvent.objects.create(
        grievance=grievance,
        action=action,
        from_state=was,
        to_state=grievance.state,
        actor=actor,
        on=on,
        note=note,
    )
    label = STEPS[action].label if action in STEPS else action
    audit_record(
        actor=actor or "system",
        action=AuditAction.UPDATE,
        object_type="grievance",
        object_id=grievance.pk,
        region_code=grievance.region_code,
        summary=_("投诉举报 %(n)s：%(a)s") % {"n": grievance.number, "a": label},
        before={"state": was},
        after={"state": grievance.state, **(audit_after or {})},
    )
    return grievance


def _note(note: str, *, required: bool = False, label: str = "") -> str:
    return clean_text("note", note, label=label or _("说明"), maximum=NOTE_MAX, minimum=1 if required else 0)


@transaction.atomic
def grievance_assign(
    *,
    actor: User,
    grievance: Grievance,
    region: Region | None = None,
    staff: User | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> Grievance:
    """The county hands the grievance to an office (a township, or the county itself) or to one staff member,
    whose region becomes the office. Re-assigning an open grievance moves it; the deadline does not restart."""
    on = _today(on)
    grievance = _begin(actor, grievance, "assign")
    note = _note(note)
    if staff is not None:
        if not staff.has_capability(Capability.HANDLE_GRIEVANCE) or staff.region is None:
            raise ValidationError({"staff": _("该工作人员的角色不能办理投诉举报")})
        region = staff.region
    if region is None:
        raise ValidationError({"region": _("请选择承办单位或承办人")})
    if region.level not in (Level.COUNTY, Level.TOWNSHIP) or not in_scope(actor, region.code):
        raise ValidationError({"region": _("承办单位须为您管辖范围内的县级或乡镇（街道）")})
    grievance.assigned_region, grievance.assigned_code, grievance.assigned_to = region, region.code, staff
    return _move(
        grievance,
        actor=actor,
        action="assign",
        on=on,
        note=note,
        to=State.ASSIGNED,
        audit_after={"assigned": region.code, "staff": staff.username if staff else ""},
    )


@transaction.atomic
def grievance_investigate(*, actor: User, grievance: Grievance, note: str = "", on: dt.date | None = None) -> Grievance:
    """The assigned office starts its investigation."""
    on = _today(on)
    grievance = _begin(actor, grievance, "investigate")
    return _move(grievance, actor=actor, action="investigate", on=on, note=_note(note), to=State.INVESTIGATING)


@transaction.atomic
def grievance_note_add(*, actor: User, grievance: Grievance, note: str, on: dt.date | None = None) -> Grievance:
    """A line of the investigation record (visits, people heard, documents checked): the timeline keeps it."""
    on = _today(on)
    grievance = _begin(actor, grievance, "note")
    return _move(grievance, actor=actor, action="note", on=on, note=_note(note, required=True, label=_("调查情况")))


@transaction.atomic
def grievance_request_review(*, actor: User, grievance: Grievance, on: dt.date | None = None) -> Grievance:
    """A complaint about a case whose assistance runs: opens a re-check (专项复核) of the case's entitlements,
    due by the grievance's own deadline, so the answer can say what the re-check found."""
    on = _today(on)
    grievance = _begin(actor, grievance, "request_review")
    case = grievance.subject_case
    assert case is not None  # the workflow refuses the step without one
    running = Entitlement.objects.filter(source_case=case).exclude(status=EntitlementStatus.STOPPED)
    first = None
    note = _("投诉举报 %(n)s 反映的问题") % {"n": grievance.number}
    for ent in running:
        review = cases.review_open(actor=actor, entitlement=ent, due_date=max(grievance.due_date, on), note=note)
        first = first or review
    if first is None:
        raise IllegalStep(_("申请 %(c)s 没有在享的救助待遇，无需复核，请在调查中核实") % {"c": case.number})
    grievance.review = first
    return _move(
        grievance,
        actor=actor,
        action="request_review",
        on=on,
        note=_("已对申请 %(c)s 发起专项复核") % {"c": case.number},
        audit_after={"review": first.pk},
    )


@transaction.atomic
def grievance_answer(
    *, actor: User, grievance: Grievance, answer: str, topic: str = "", on: dt.date | None = None
) -> Grievance:
    """The answer the complainant reads with the query code: write it for them."""
    on = _today(on)
    grievance = _begin(actor, grievance, "answer")
    grievance.answer = clean_text("answer", answer, label=_("答复内容"), maximum=ANSWER_MAX, minimum=CONTENT_MIN)
    if topic:
        grievance.topic = _choice(topic, Topic, "topic", _("请选择问题类别"))
    grievance.answered_on = on
    late = on > grievance.due_date
    return _move(grievance, actor=actor, action="answer", on=on, to=State.ANSWERED, audit_after={"late": late})


@transaction.atomic
def grievance_close(
    *, actor: User, grievance: Grievance, satisfaction: str = "", note: str = "", on: dt.date | None = None
) -> Grievance:
    """The county closes an answered grievance, with the complainant's satisfaction where it is known."""
    on = _today(on)
    grievance = _begin(actor, grievance, "close")
    grievance.satisfaction = _choice(satisfaction, Satisfaction, "satisfaction", _("请选择满意度"))
    grievance.closed_on = on
    return _move(
        grievance, actor=actor, action="close", on=on, note=_note(note), to=State.CLOSED,
        audit_after={"satisfaction": satisfaction},
    )  # fmt: skip


@transaction.atomic
def grievance_reopen(*, actor: User, grievance: Grievance, reason: str, on: dt.date | None = None) -> Grievance:
    """A re-examination (复查) when the complainant is not satisfied: back to the office it was assigned to (the
    grievance's own township when it never was), with a new deadline from today; the old answer stays in the
    timeline."""
    on = _today(on)
    grievance = _begin(actor, grievance, "reopen")
    reason = _note(reason, required=True, label=_("复查理由"))
    previous = grievance.answer
    if not grievance.assigned_code:
        township = Region.objects.get(code=grievance.township_code)
        grievance.assigned_region, grievance.assigned_code = township, township.code
    grievance.answer, grievance.answered_on, grievance.closed_on = "", None, None
    grievance.satisfaction = Satisfaction.DISSATISFIED
    grievance.escalated_on = None
    grievance.reopened += 1
    days = deadline_days(grievance.kind, region_code=grievance.region_code, on=on)
    grievance.due_date = due_from(on, days)
    note = reason + "\n" + _("原答复：") + previous
    return _move(
        grievance, actor=actor, action="reopen", on=on, note=note, to=State.ASSIGNED,
        audit_after={"due_date": grievance.due_date},
    )  # fmt: skip


@transaction.atomic
def grievances_escalate(*, on: dt.date | None = None, region_code: str = "") -> list[Grievance]:
    """Flags every open grievance past its deadline and not yet flagged (超期督办): it goes on the county's list
    and into the timeline. Run daily (`jiuzhu grievances escalate`); running twice flags nothing twice."""
    on = _today(on)
    rows = Grievance.objects.select_for_update().filter(
        state__in=OPEN_STATES, due_date__lt=on, escalated_on__isnull=True, region_code__startswith=region_code
    )
    flagged = list(rows)
    for grievance in flagged:
        grievance.escalated_on = on
        _move(
            grievance,
            actor=None,
            action="escalate",
            on=on,
            note=_("超过办理期限 %(d)s 未答复，列入县级督办") % {"d": grievance.due_date.isoformat()},
        )
    return flagged


def grievance_contact_reveal(*, actor: User, grievance: Grievance) -> str:
    """The complainant's phone in full, for a user granted it; every reveal is in the audit log."""
    if not _visible(actor, grievance) or not actor.has_capability(Capability.VIEW_GRIEVANCES):
        raise Http404
    if not actor.can_reveal_pii:
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        object_type="grievance",
        object_id=grievance.pk,
        region_code=grievance.region_code,
        summary=_("查看完整联系电话：%(n)s") % {"n": grievance.number},
    )
    return pii.decrypt(grievance.contact_phone_enc)


def code_matches(stored: str | None, query_code: str) -> bool:
    """Whether a typed query code is the one whose hash is stored; compared in constant time, and as long for
    an unknown number (stored None) as for a wrong code."""
    ok = pii.secret_hash_matches("grievance:" + normalise_code(query_code or "-"), stored or "")
    return ok and stored is not None and bool(query_code)


def _by_code(number: str, query_code: str) -> Grievance | None:
    """The grievance for a number and its query code, locked; None for any wrong pair."""
    row = Grievance.objects.select_for_update().filter(number=number.strip().upper()[:16]).first()
    return row if code_matches(row.query_hash if row is not None else None, query_code) else None


@transaction.atomic
def grievance_public_feedback(
    *, number: str, query_code: str, satisfaction: str, comment: str = "", on: dt.date | None = None
) -> bool:
    """The complainant rates the answer from the portal with the number and query code. Not satisfied, the
    county sees it on the timeline and decides on a re-examination (grievance_reopen): the complainant asks,
    the county reopens. False for a wrong code or a grievance not answered yet; nothing is written then."""
    on = _today(on)
    grievance = _by_code(number, query_code)
    if grievance is None or grievance.state not in (State.ANSWERED, State.CLOSED):
        return False
    if satisfaction not in Satisfaction.values or satisfaction == Satisfaction.UNKNOWN:
        raise ValidationError({"satisfaction": _("请选择满意度")})
    comment = clean_text("comment", comment, label=_("意见"), maximum=NOTE_MAX)
    grievance.satisfaction = satisfaction
    label = Satisfaction(satisfaction).label
    _move(grievance, actor=None, action="feedback", on=on, note=f"{label}：{comment}" if comment else str(label),
          audit_after={"satisfaction": satisfaction})  # fmt: skip
    return True
