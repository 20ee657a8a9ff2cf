"""A run of the rules: read the registry and the latest data sets once, evaluate each rule, and add the new
findings in bulk. Idempotent: a finding still open, or judged 不属实, is not raised again for the same
evidence (its fingerprint)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import bulk_insert
from jiuzhu.core.models import AuditAction
from jiuzhu.core.workdays import add_workdays
from jiuzhu.matching.models import OPEN_STATUSES, Finding, FindingStatus, Run
from jiuzhu.matching.rules import RULES, Rule, load_context
from jiuzhu.matching.rules.context import Context
from jiuzhu.matching.rules.params import number

Progress = Callable[[int, str], object]  # percent, stage


def fingerprint(rule: str, key: str) -> str:
    return hashlib.sha256(f"{rule}|{key}".encode()).hexdigest()


def _choose(rules: list[str] | None) -> list[Rule]:
    if not rules:
        return list(RULES.values())
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValidationError(
            _("未知的比对规则：%(r)s；可用：%(all)s") % {"r": "、".join(unknown), "all": ", ".join(RULES)}
        )
    return [RULES[r] for r in rules]


def _known_fingerprints(rule: str) -> set[str]:
    blocking = [*OPEN_STATUSES, FindingStatus.UNFOUNDED]
    return set(Finding.objects.filter(rule=rule, status__in=blocking).values_list("fingerprint", flat=True))


def _new_findings(ctx: Context, rule: Rule, hits: pl.DataFrame, *, run: Run, now: dt.datetime) -> pl.DataFrame:
    prints = [fingerprint(rule.code, k) for k in hits["key"].to_list()]
    known = _known_fingerprints(rule.code)
    fresh = hits.with_columns(pl.Series("fingerprint", prints, pl.String)).filter(
        ~pl.col("fingerprint").is_in(list(known))
    )
    days = number(f"matching.days.{rule.severity.value}", prefix=ctx.prefix, on=ctx.today)
    deadline = add_workdays(ctx.today, days)
    return fresh.join(ctx.households.select("household_id", "region_code"), on="household_id").select(
        pl.lit(rule.code).alias("rule"),
        pl.lit(rule.severity.value).alias("severity"),
        "household_id",
        "person_id",
        "region_code",
        pl.col("summary").str.slice(0, 300),
        "evidence",
        "fingerprint",
        pl.lit(FindingStatus.PENDING.value).alias("status"),
        pl.lit(deadline).alias("deadline"),
        pl.lit(None, dtype=pl.Int64).alias("handler_id"),
        pl.lit("").alias("conclusion"),
        pl.lit("").alias("action"),
        pl.lit("").alias("action_note"),
        pl.lit(run.pk).alias("run_id"),
        pl.lit(now).alias("created_at"),
        pl.lit(None, dtype=pl.Date).alias("closed_at"),
    )


def _update(run: Run, progress: Progress | None, percent: int, stage: str) -> None:
    Run.objects.filter(pk=run.pk).update(percent=percent, stage=stage[:60])
    if progress is not None:
        progress(percent, stage)


def run_create(*, actor: User, rules: list[str] | None = None) -> Run:
    """A run waiting for its worker (the web page); the CLI calls run_execute directly."""
    if not actor.has_capability(Capability.RUN_MATCHING) or not actor.scope_prefix:
        raise PermissionDenied(_("您的角色无权运行数据比对"))
    chosen = _choose(rules)
    codes = [r.code for r in chosen] if rules else []
    return Run.objects.create(user=actor, region_code=(actor.scope_prefix or "").ljust(12, "0"), rules=codes)


def run_execute(*, actor: User, run: Run | None = None, rules: list[str] | None = None,
                today: dt.date | None = None, progress: Progress | None = None) -> Run:  # fmt: skip
    """Evaluates the rules for the actor's region and adds the new findings; returns the run with its summary
    per rule: found (hits this time) and new (findings added)."""
    if not actor.has_capability(Capability.RUN_MATCHING) or not actor.scope_prefix:
        raise PermissionDenied(_("您的角色无权运行数据比对"))
    run = run or run_create(actor=actor, rules=rules)
    chosen = _choose(run.rules or None)
    today = today or timezone.localdate()
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)
    _update(run, progress, 2, _("读取户籍、待遇和外部数据"))
    kinds = sorted({k for r in chosen for k in r.kinds})
    ctx = load_context(prefix=actor.scope_prefix or "", today=today, kinds=kinds)
    summary: dict[str, dict[str, int]] = {}
    now = timezone.now()
    for i, rule in enumerate(chosen):
        _update(run, progress, 10 + 85 * i // len(chosen), _(rule.name))
        hits = rule.check(ctx)
        with transaction.atomic():
            rows = _new_findings(ctx, rule, hits, run=run, now=now)
            bulk_insert(Finding, rows)
        summary[rule.code] = {"found": hits.height, "new": rows.height}
    run.summary, run.status, run.percent, run.stage = summary, Run.Status.DONE, 100, ""
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "status", "percent", "stage", "finished_at"])
    new = sum(s["new"] for s in summary.values())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="matching_run",
        object_id=run.pk,
        region_code=run.region_code,
        summary=_("数据比对：%(r)d 条规则，新发现疑似问题 %(n)d 条") % {"r": len(chosen), "n": new},
        after=summary,
    )
    if progress is not None:
        progress(100, "")
    return run
