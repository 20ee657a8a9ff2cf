"""The findings ledger's steps: start, confirm or dismiss, and rectify through another app's service (record
the death, stop the payment, open a re-check, apply for the missed programme). Every step is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases import services as cases
from jiuzhu.core.audit import audit_record
from jiuzhu.core.messages import translated
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.core.workdays import add_workdays
from jiuzhu.matching.models import Finding, FindingStatus, FindingStep
from jiuzhu.matching.rules import RULES
from jiuzhu.matching.workflow import ACTION_LABELS, STEPS, Action
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Cause, Entitlement, EntitlementStatus
from jiuzhu.registry.services import person_update

# The programme a rule's "apply" action applies for, when the finding does not name one.
APPLY_PROGRAM = {
    "wubao_as_dibao": "tekun_dispersed",
    "elderly_without_subsidy": "laonian_kunnan",
    "disability_without_subsidy": "canji_shenghuo",
}
_MISSING_PROGRAMS = {"困难残疾人生活补贴": "canji_shenghuo", "重度残疾人护理补贴": "canji_huli"}


class IllegalFindingStep(ValidationError):
    pass


def _locked(finding: Finding, actor: User, action: str) -> Finding:
    step = STEPS[action]
    require_scope(actor, finding.region_code)
    if not actor.has_capability(step.capability):
        raise PermissionDenied(_("您的角色无权办理疑似问题"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status not in step.sources:
        raise IllegalFindingStep(
            _("该疑似问题当前为“%(s)s”，不能%(a)s") % {"s": finding.get_status_display(), "a": step.label}
        )
    return finding


def _move(finding: Finding, *, actor: User, action: str, note: str, extra: dict[str, Any] | None = None) -> Finding:
    step = STEPS[action]
    before = finding.status
    finding.status = step.target
    if step.target in (FindingStatus.UNFOUNDED, FindingStatus.RECTIFIED):
        finding.closed_at = timezone.localdate()
    finding.handler = actor
    finding.save()
    FindingStep.objects.create(finding=finding, action=action, status_before=before, status_after=finding.status,
                               note=note, actor=actor)  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="finding",
        object_id=finding.pk,
        region_code=finding.region_code,
        summary=_("疑似问题 %(id)s（%(r)s）：%(a)s")
        % {"id": finding.pk, "r": _(RULES[finding.rule].name), "a": step.label},
        before={"status": before},
        after={"status": finding.status, "note": note, **(extra or {})},
    )
    return finding


@transaction.atomic
def finding_step(*, actor: User, finding: Finding, action: str, note: str = "") -> Finding:
    """start, confirm or dismiss. Confirming and dismissing need the finding's facts in writing."""
    if action not in STEPS or action == "rectify":
        raise ValueError(action)
    finding = _locked(finding, actor, action)
    note = note.strip()
    if action != "start" and not note:
        raise ValidationError({"note": _("请填写%(l)s") % {"l": STEPS[action].note_label}})
    if action == "confirm":
        finding.conclusion = note
    if action == "dismiss":
        finding.conclusion = note
    return _move(finding, actor=actor, action=action, note=note)


def _entitlements(finding: Finding) -> list[Entitlement]:
    """The entitlements a finding is about: those named in its evidence, else the household's running ones."""
    ids = [finding.evidence.get(k) for k in ("entitlement_id", "other_id")]
    named = Entitlement.objects.filter(pk__in=[i for i in ids if i])
    if named.exists():
        return list(named.exclude(status=EntitlementStatus.STOPPED))
    if finding.household_id is None:
        return []
    return list(Entitlement.objects.filter(household_id=finding.household_id).exclude(status=EntitlementStatus.STOPPED))


def _record_death(actor: User, finding: Finding, death_date: dt.date | None) -> str:
    if finding.person is None:
        raise ValidationError(_("该疑似问题没有对应的人员"))
    raw = finding.evidence.get("death_date")
    died = death_date or (dt.date.fromisoformat(raw) if raw else None)
    if died is None:
        raise ValidationError({"death_date": _("请填写死亡日期")})
    # The registry's hooks stop what paid for the person from the month after death (the months paid since
    # become a recovery in the next payroll) and schedule the household's re-check.
    person_update(actor=actor, person=finding.person, date_of_death=died)
    return _("已登记 %(p)s 于 %(d)s 死亡") % {"p": finding.person.name, "d": died.isoformat()}


def _stop(actor: User, finding: Finding, note: str, on: dt.date) -> str:
    stopped = []
    for ent in _entitlements(finding):
        payments.entitlement_stop(actor=actor, entitlement=ent, reason=note, on=on, cause=Cause.FINDING)
        stopped.append(str(ent.pk))
    if not stopped:
        raise ValidationError(_("没有正在发放的待遇可以停止"))
    return _("已停止待遇 %(ids)s，自 %(m)s 起") % {"ids": "、".join(stopped), "m": f"{on:%Y-%m}"}


def _review(actor: User, finding: Finding, on: dt.date) -> str:
    ents = _entitlements(finding)
    if not ents:
        raise ValidationError(_("该家庭没有正在享受的待遇可以复核"))
    note = _("数据比对：%(s)s") % {"s": translated(finding.summary)}
    for ent in ents:
        cases.review_open(actor=actor, entitlement=ent, note=note, due_date=add_workdays(on, 20))
    return _("已对 %(n)d 项待遇启动复核") % {"n": len(ents)}


def _apply(actor: User, finding: Finding, program: str) -> str:
    if finding.person is None or finding.household is None:
        raise ValidationError(_("该疑似问题没有对应的人员"))
    missing = [_MISSING_PROGRAMS[m] for m in finding.evidence.get("missing", []) if m in _MISSING_PROGRAMS]
    program = program or (missing[0] if missing else APPLY_PROGRAM.get(finding.rule, ""))
    case = cases.case_submit(
        actor=actor,
        household=finding.household,
        program=program,
        applicant=finding.person,
        reason=_("数据比对发现：%(s)s") % {"s": translated(finding.summary)},
    )
    return _("已代为提交申请 %(n)s") % {"n": case.number}


@transaction.atomic
def finding_rectify(
    *,
    actor: User,
    finding: Finding,
    action: str,
    note: str,
    death_date: dt.date | None = None,
    program: str = "",
    on: dt.date | None = None,
) -> Finding:
    """Closes a confirmed finding with its action, taken through the other app's service in the same
    transaction: if the action is refused, the finding stays open."""
    finding = _locked(finding, actor, "rectify")
    note = note.strip()
    if action not in ACTION_LABELS:
        raise ValidationError({"action": _("请选择整改措施")})
    if not note:
        raise ValidationError({"note": _("请填写整改情况")})
    on = on or timezone.localdate()
    if action == Action.RECORD_DEATH:
        done = _record_death(actor, finding, death_date)
    elif action == Action.STOP:
        done = _stop(actor, finding, note, on)
    elif action == Action.REVIEW:
        done = _review(actor, finding, on)
    elif action == Action.APPLY:
        done = _apply(actor, finding, program)
    else:
        done = str(ACTION_LABELS[Action.CORRECT])
    finding.action, finding.action_note = action, done[:300]
    return _move(finding, actor=actor, action="rectify", note=note, extra={"action": action, "done": done})
