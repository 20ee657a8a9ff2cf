"""The scan (监测筛查): every household of a region through the monitoring rules, candidates enrolled, levels
recomputed, the assessments that fell due recorded; and the poverty register's enrolment (防返贫监测).

Both are idempotent: a second run on the same day finds everyone enrolled, nothing changed and nothing due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.idcard import normalize
from jiuzhu.core.models import AuditAction
from jiuzhu.core.pii import lookup_hash_columns
from jiuzhu.core.scope import prefix_q, require_scope
from jiuzhu.monitoring import facts as facts_mod
from jiuzhu.monitoring.models import MonitoredHousehold
from jiuzhu.monitoring.services.apply import Applied, apply, batched, existing_frame
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

Progress = Callable[[str, float], None]


def require_manage(actor: User | None, capability: Capability, region_code: str) -> None:
    """None is the system (the command line without --user, the demo); a user needs the capability and
    the region in scope."""
    if actor is None:
        return
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))
    require_scope(actor, region_code)


@dataclass(frozen=True)
class ScanResult:
    region: str
    on: dt.date
    households: int
    enrolled: int
    changed: int
    assessed: int


@transaction.atomic
def monitoring_scan(*, actor: User | None, region: Region, on: dt.date, progress: Progress | None = None) -> ScanResult:
    """Runs the monitoring rules over every household under `region` on `on`: candidates (低保, 特困, 低保边缘,
    刚性支出困难, income below the line) are enrolled with their level; monitored households get their level
    and category recomputed (a change is an assessment) and, when their two-monthly assessment is due, a
    scheduled assessment and the next date. One transaction: a failure writes nothing."""
    require_manage(actor, Capability.MANAGE_MONITORING, region.code)
    step = progress or (lambda _stage, _fraction: None)
    step(_("读取标准与参数"), 0.05)
    params = parameters_frame(regions=[region], below=True)
    existing = existing_frame(MonitoredHousehold.objects.filter(prefix_q(region.prefix)).order_by("id"))
    step(_("读取家庭和成员信息"), 0.15)
    facts = facts_mod.gather(prefix=region.prefix, on=on, params=params, recorded=existing)
    step(_("计算监测类别和预警等级"), 0.55)
    applied = apply(facts, existing, on=on, actor_id=actor.pk if actor else None, enrol=True)
    step(_("写入监测台账"), 0.9)
    result = ScanResult(region.code, on, applied.households, applied.enrolled, applied.changed, applied.assessed)
    audit_record(
        actor=actor or "system",
        action=AuditAction.UPDATE,
        object_type="monitoring_scan",
        object_id=region.code,
        region_code=region.code,
        summary=_("监测筛查 %(r)s：%(h)d 户，新纳入 %(e)d 户，等级或类别变化 %(c)d 户，定期评估 %(a)d 户")
        % {"r": region.name, "h": result.households, "e": result.enrolled, "c": result.changed,
           "a": result.assessed},
        after={"on": on.isoformat(), "enrolled": result.enrolled, "changed": result.changed,
               "assessed": result.assessed},
    )  # fmt: skip
    step(_("完成"), 1.0)
    return result


REGISTER_COLUMNS = ("id_number", "register_number", "name", "relation")


@dataclass(frozen=True)
class RegisterResult:
    rows: int
    matched_persons: int
    households: int
    enrolled: int
    flagged: int  # already monitored, now marked as in the register
    unmatched: int  # rows whose ID number is not registered in the actor's region


@transaction.atomic
def poverty_register_enrol(*, actor: User | None, region: Region, frame: pl.DataFrame, on: dt.date) -> RegisterResult:
    """Enrols as 防返贫监测 the registry households under `region` that the poverty register (建档立卡 /
    防返贫监测 list: id_number, register_number, name, relation, one row per person) names. A household
    already monitored keeps its record and is marked as in the register (its category becomes 防返贫监测
    unless it is 低保 or 特困). Persons registered outside `region` are counted as unmatched and never named."""
    require_manage(actor, Capability.MANAGE_MONITORING, region.code)
    missing = [c for c in REGISTER_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(_("防返贫监测名单缺少列：%(c)s") % {"c": "、".join(missing)})
    numbers = [normalize(str(v)) for v in frame["id_number"].to_list() if v]
    hashes = [h for column in lookup_hash_columns(numbers) for h in column]  # every key of the ring
    found: list[pl.DataFrame] = []
    for chunk in batched(sorted(set(hashes)), 5_000):
        qs = Person.objects.filter(prefix_q(region.prefix), id_number_hash__in=chunk).values_list(
            "id_number_hash", "household_id"
        )
        found.append(read_frame(qs, {"hash": pl.String, "household_id": pl.Int64}))
    matched = pl.concat(found) if found else pl.DataFrame(schema={"hash": pl.String, "household_id": pl.Int64})
    named = matched.select("household_id").unique()
    params = parameters_frame(regions=[region], below=True)
    existing = existing_frame(MonitoredHousehold.objects.filter(prefix_q(region.prefix)).order_by("id"))
    applied = Applied()
    if named.height:
        ids = named["household_id"].to_list()
        in_list = existing.filter(pl.col("household_id").is_in(ids))
        flagged = in_list.filter(~pl.col("in_poverty_register")).height
        facts = _facts_for(region, ids, on, params, in_list)
        applied = apply(facts, in_list, on=on, actor_id=actor.pk if actor else None, enrol=True, register=named)
    else:
        flagged = 0
    result = RegisterResult(
        rows=frame.height,
        matched_persons=matched.height,
        households=named.height,
        enrolled=applied.enrolled,
        flagged=flagged,
        unmatched=frame.height - matched.height,
    )
    audit_record(
        actor=actor or "system",
        action=AuditAction.IMPORT,
        object_type="poverty_register",
        object_id=region.code,
        region_code=region.code,
        summary=_("防返贫监测名单 %(n)d 行：匹配 %(h)d 户，新纳入 %(e)d 户，已在监测中标记 %(f)d 户，未匹配 %(u)d 行")
        % {"n": result.rows, "h": result.households, "e": result.enrolled, "f": result.flagged, "u": result.unmatched},
    )
    return result


def _facts_for(
    region: Region, ids: list[int], on: dt.date, params: pl.DataFrame, recorded: pl.DataFrame
) -> pl.DataFrame:
    """The facts of the named households: the region's facts, kept to them (one bulk read)."""
    every = facts_mod.gather(prefix=region.prefix, on=on, params=params, recorded=recorded)
    return every.filter(pl.col("household_id").is_in(ids))
