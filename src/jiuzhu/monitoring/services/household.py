"""Writes on one monitored household: the recompute after a registry change (the registry's hook), a
caseworker's re-assessment (入户评估), the risk-elimination assessment (风险消除) and the measures log."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.models import AuditAction
from jiuzhu.monitoring import facts as facts_mod
from jiuzhu.monitoring import rules
from jiuzhu.monitoring.models import (
    Assessment,
    AssessmentKind,
    Level,
    Measure,
    MeasureKind,
    MonitoredHousehold,
    RiskFactor,
    Status,
)
from jiuzhu.monitoring.services.apply import apply, existing_frame
from jiuzhu.monitoring.services.scan import require_manage
from jiuzhu.payments.models import add_months
from jiuzhu.policy.rules.params import col
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.registry.models import Household


def _facts(monitored: MonitoredHousehold, on: dt.date, recorded: str) -> pl.DataFrame:
    household = monitored.household
    params = parameters_frame(regions=[household.region])
    rec = pl.DataFrame({"household_id": [household.pk], "recorded_factors": [recorded]})
    return facts_mod.gather(household_id=household.pk, on=on, params=params, recorded=rec)


def household_level(*, monitored: MonitoredHousehold, on: dt.date, recorded: str | None = None) -> dict[str, object]:
    """The rules' level, reasons, factors, per-capita income and line for one monitored household today."""
    facts = _facts(monitored, on, monitored.recorded_factors if recorded is None else recorded)
    row = rules.warning_level(facts, marked=True).row(0, named=True)
    row["months"] = facts[col("monitoring.assessment_months")][0]
    return row


def monitoring_recompute(*, household: Household, actor: User | None, on: dt.date | None = None) -> bool:
    """The registry's on_household_changed hook: a monitored household's level and category recomputed from
    its new facts; a change is recorded as an assessment. Runs inside the registry's transaction, whoever
    edited the registry (a village clerk too): it is the system's reaction, not the clerk's decision.
    True when something changed."""
    monitored = MonitoredHousehold.objects.filter(household_id=household.pk).first()
    if monitored is None:
        return False
    day = on or timezone.localdate()
    existing = existing_frame(MonitoredHousehold.objects.filter(pk=monitored.pk))
    facts = _facts(monitored, day, monitored.recorded_factors)
    # Only a change is recorded here; the two-monthly assessment stays the scan's.
    existing = existing.with_columns(next_assessment=pl.lit(dt.date.max, dtype=pl.Date))
    applied = apply(facts, existing, on=day, actor_id=actor.pk if actor else None, enrol=False)
    return applied.changed > 0


def _clean_factors(factors: list[str]) -> str:
    unknown = [f for f in factors if f not in RiskFactor.values]
    if unknown:
        raise ValidationError({"factors": _("未知的风险因素：%(f)s") % {"f": "、".join(unknown)}})
    return ",".join(code for code in RiskFactor.values if code in factors)


@transaction.atomic
def monitored_reassess(
    *, actor: User, monitored: MonitoredHousehold, factors: list[str], note: str, on: dt.date | None = None
) -> Assessment:
    """A caseworker's assessment (入户评估): the risk factors found, the level the rules give with them, the
    opinion; the next assessment in two months. A household whose risk was eliminated is monitored again."""
    require_manage(actor, Capability.MANAGE_MONITORING, monitored.region_code)
    day = on or timezone.localdate()
    if not note.strip():
        raise ValidationError({"note": _("请填写评估意见")})
    recorded = _clean_factors(factors)
    monitored = MonitoredHousehold.objects.select_for_update().select_related("household__region").get(pk=monitored.pk)
    result = household_level(monitored=monitored, on=day, recorded=recorded)
    before = {"level": monitored.level, "status": monitored.status, "factors": monitored.recorded_factors}
    if result["level"] != monitored.level:
        monitored.level_since = day
    monitored.level = str(result["level"])
    monitored.recorded_factors = recorded
    monitored.status = Status.MONITORING
    monitored.eliminated_on = None
    monitored.next_assessment = add_months(day, int(result["months"]))  # type: ignore[call-overload]
    monitored.save()
    assessment = Assessment.objects.create(
        monitored=monitored, region_code=monitored.region_code, kind=AssessmentKind.REASSESS,
        category=monitored.category, level=monitored.level, factors=",".join(result["factors"]),  # type: ignore[arg-type]
        reasons="\n".join(result["reasons"]), note=note.strip(), assessed_on=day, assessed_by=actor,  # type: ignore[arg-type]
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.UPDATE, object_type="monitored_household", object_id=monitored.pk,
        region_code=monitored.region_code,
        summary=_("监测评估 户 %(n)s：%(l)s") % {"n": monitored.household.number, "l": monitored.get_level_display()},
        before=before, after={"level": monitored.level, "status": monitored.status, "factors": recorded},
    )  # fmt: skip
    return assessment


@transaction.atomic
def monitored_eliminate(
    *, actor: User, monitored: MonitoredHousehold, reasons: str, on: dt.date | None = None
) -> Assessment:
    """The risk-elimination assessment (风险消除评估): the risk is marked eliminated with its reasons and the
    warning level cancelled; monitoring continues, with its assessments every two months (第8篇)."""
    require_manage(actor, Capability.MANAGE_MONITORING, monitored.region_code)
    day = on or timezone.localdate()
    if not reasons.strip():
        raise ValidationError({"reasons": _("请填写风险消除的理由")})
    monitored = MonitoredHousehold.objects.select_for_update().select_related("household__region").get(pk=monitored.pk)
    if monitored.status == Status.ELIMINATED:
        raise ValidationError(_("该户已标记风险消除"))
    result = household_level(monitored=monitored, on=day)
    before = {"level": monitored.level, "status": monitored.status}
    monitored.status = Status.ELIMINATED
    monitored.eliminated_on = day
    monitored.level = Level.NONE
    monitored.level_since = day
    monitored.next_assessment = add_months(day, int(result["months"]))  # type: ignore[call-overload]
    monitored.save()
    assessment = Assessment.objects.create(
        monitored=monitored, region_code=monitored.region_code, kind=AssessmentKind.ELIMINATE,
        category=monitored.category, level=Level.NONE, factors=",".join(result["factors"]),  # type: ignore[arg-type]
        reasons="\n".join(result["reasons"]), note=reasons.strip(), assessed_on=day, assessed_by=actor,  # type: ignore[arg-type]
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.UPDATE, object_type="monitored_household", object_id=monitored.pk,
        region_code=monitored.region_code,
        summary=_("户 %(n)s 标记风险消除") % {"n": monitored.household.number},
        before=before, after={"level": Level.NONE.value, "status": Status.ELIMINATED.value, "reasons": reasons.strip()},
    )  # fmt: skip
    return assessment


@transaction.atomic
def measure_add(
    *, actor: User, monitored: MonitoredHousehold, kind: str, taken_on: dt.date, description: str
) -> Measure:
    """One measure taken (帮扶措施: 产业、就业、综合保障、扶志扶智、社会帮扶), with its date and what was done."""
    require_manage(actor, Capability.MANAGE_MONITORING, monitored.region_code)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("请选择帮扶措施类别")})
    if not description.strip():
        raise ValidationError({"description": _("请填写措施内容")})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("实施日期不能晚于今天")})
    measure = Measure.objects.create(
        monitored=monitored, region_code=monitored.region_code, kind=kind, taken_on=taken_on,
        description=description.strip()[:300], recorded_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, object_type="monitoring_measure", object_id=measure.pk,
        region_code=monitored.region_code,
        summary=_("户 %(n)s 登记帮扶措施：%(k)s") % {"n": monitored.household.number, "k": measure.get_kind_display()},
        after={"kind": kind, "taken_on": taken_on.isoformat(), "description": measure.description},
    )  # fmt: skip
    return measure
