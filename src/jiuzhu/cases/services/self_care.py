"""The 特困 self-care assessment (生活自理能力评估)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases.models import ADL_ACTIVITIES, Case, SelfCareAssessment
from jiuzhu.cases.services._common import _refuse
from jiuzhu.cases.workflow import step_refusal
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.registry.models import Person


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
    require_scope(actor, case.region_code)
    _refuse(step_refusal(actor, case, "assess_self_care"))
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
