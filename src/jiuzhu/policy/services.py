"""Writes of the policy app: parameter values, one dated row at a time, each in the audit log; and the
export of a re-evaluation (提标影响测算), logged like every export."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import in_scope, prefix_q
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.core.text import text_problems
from jiuzhu.policy import inputs, selectors
from jiuzhu.policy.models import Parameter, StoredEvaluation
from jiuzhu.policy.parameters import parameter_label
from jiuzhu.policy.rules import PARAMETER_SPECS, ParameterError, canonical_text
from jiuzhu.policy.rules.params import PARAMS_SCHEMA
from jiuzhu.policy.selectors import HouseholdEvaluation, Reevaluation
from jiuzhu.policy.shipped import shipped_values
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household

log = logging.getLogger(__name__)


def parameter_add(
    *, actor: Any, region: Region, key: str, value: str, effective_from: dt.date, source: str
) -> Parameter:
    """A new value of `key` for `region` from `effective_from` (提标). Earlier values stay, so months
    before the date keep their numbers. ValidationError in Chinese and nothing written on bad input. `actor`
    None: the system operator (the command line without --user; audited "system")."""
    if actor is not None and (
        not actor.has_capability(Capability.MANAGE_PARAMETERS) or not in_scope(actor, region.code)
    ):
        raise PermissionDenied(_("无权修改本区划的标准与参数"))
    errors: dict[str, list[str]] = {}
    if key not in PARAMETER_SPECS:
        errors["key"] = [_("未知参数：%(key)s") % {"key": key}]
    else:
        try:
            value = canonical_text(key, value)
        except ParameterError as exc:
            errors["value"] = [str(exc)]
    source = (source or "").strip()
    if not source:
        errors["source"] = [_("请填写依据文件（文号）")]
    taken = Parameter.objects.filter(region=region, key=key, effective_from=effective_from)
    if key in PARAMETER_SPECS and taken.exists():
        errors["effective_from"] = [_("该参数在这一日期已有取值，请换一个生效日期")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Parameter.objects.create(
            region=region, key=key, value=value, effective_from=effective_from, source=source, created_by=actor
        )
        audit_record(
            actor=actor or "system",
            action=AuditAction.CREATE,
            object_type="parameter",
            object_id=row.pk,
            region_code=region.code,
            summary=_("%(label)s 自 %(date)s 起为 %(value)s（%(source)s）")
            % {"label": parameter_label(key), "date": effective_from, "value": value, "source": source},
            after={"key": key, "value": value, "effective_from": effective_from.isoformat(), "source": source},
        )
        transaction.on_commit(lambda: _refresh_later(region))
    return row


def _refresh_later(region: Region) -> None:
    """Queues the bulk refresh of the region's stored evaluations after a parameter change: until it runs,
    each page finds its row stale (the parameters are part of its input) and recomputes it."""
    from jiuzhu.policy.tasks import evaluations_refresh_job

    try:
        evaluations_refresh_job.enqueue(region.code)
    except ParameterError:  # the immediate backend runs it here; a region without a value has nothing to store
        log.warning("evaluations of %s not refreshed: a parameter has no value", region.code, exc_info=True)


def parameters_load_defaults(*, region: Region, actor: Any = None) -> int:
    """Installs the shipped defaults (defaults/parameters.yaml) on `region`; returns how many rows were
    new. Idempotent: a value already there for the same key and date is left alone, even if edited."""
    rows = [(v.key, v.value, v.effective_from, v.source) for v in shipped_values()]
    return parameters_load(
        region=region, rows=rows, actor=actor, summary=_("为 %(region)s 载入默认标准与参数 %(n)d 项")
    )


def parameters_load(
    *, region: Region, rows: list[tuple[str, str, dt.date, str]], actor: Any = None, summary: str
) -> int:
    """Installs (key, value, effective_from, source) rows on `region` in one audited step, skipping a key
    that already has a value on that date; `summary` may use %(region)s and %(n)d. Returns the rows added."""
    existing = set(Parameter.objects.filter(region=region).values_list("key", "effective_from"))
    new = [
        Parameter(region=region, key=key, value=canonical_text(key, value), effective_from=day, source=source)
        for key, value, day, source in rows
        if (key, day) not in existing
    ]
    if not new:
        return 0
    # A bulk insert does not pass the models' text policy (core.text): asked here, as a save would.
    problems = {f"{row.key} {k}": v for row in new for k, v in text_problems(row).items()}
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Parameter.objects.bulk_create(new)
        audit_record(
            actor=actor or "system",
            action=AuditAction.IMPORT,
            object_type="parameter",
            region_code=region.code,
            summary=summary % {"region": region.name, "n": len(new)},
        )
    return len(new)


def impact_export(*, actor: Any, result: Reevaluation, path: Path) -> int:
    """Writes every household whose monthly total changes in `result` to an xlsx file (names masked)
    and logs the export; returns the number of households written."""
    if not actor.has_capability(Capability.VIEW_IMPACT) or not in_scope(actor, result.region.code):
        raise PermissionDenied(_("无权查看提标影响测算"))
    header = [
        _("户编号"), _("户主（脱敏）"), _("村（社区）"), _("调整前类别"), _("调整后类别"),
        _("调整前月金额（元）"), _("调整后月金额（元）"), _("变动（元）"), _("变动项目"),
    ]  # fmt: skip
    rows = (
        [
            h.number, h.head_name, h.village, h.class_before_label, h.class_after_label,
            h.total_before, h.total_after, h.change,
            "；".join(f"{p.name} {p.before}→{p.after}" for p in h.programs),
        ]
        for h in result.changed
    )  # fmt: skip
    write_xlsx(path, header, rows, title=_("提标影响测算"))
    if result.proposed is not None:
        what = _("拟将%(label)s自 %(date)s 起调整为 %(value)s") % {
            "label": result.proposed.label,
            "date": result.proposed.effective_from,
            "value": result.proposed.value,
        }
    else:
        what = _("%(before)s 与 %(after)s 比较") % {"before": result.before, "after": result.after}
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="household",
        region_code=result.region.code,
        summary=_("导出提标影响测算变动家庭 %(n)d 户（%(what)s，姓名已脱敏）")
        % {"n": len(result.changed), "what": what},
        after={
            "households": len(result.changed),
            "format": "xlsx",
            "region": result.region.prefix,
            "before": result.before.isoformat(),
            "after": result.after.isoformat(),
            "proposed": None
            if result.proposed is None
            else {"key": result.proposed.key, "value": result.proposed.value},
        },
    )
    return len(result.changed)


# ───────────────────────────── stored evaluations ─────────────────────────────

_STORE_BATCH = 2_000
_REFRESH_CHUNK = 10_000  # households evaluated at once by a bulk refresh (a province has millions)


def _evaluations_store(rows: dict[int, tuple[str, dict[str, Any]]], date: dt.date) -> None:
    """Writes (inputs digest, result) per household id for `date`, replacing what each had."""
    StoredEvaluation.objects.bulk_create(
        [
            StoredEvaluation(household_id=pk, date=date, inputs=digest, result=result)
            for pk, (digest, result) in rows.items()
        ],
        batch_size=_STORE_BATCH,
        update_conflicts=True,
        unique_fields=["household"],
        update_fields=["date", "inputs", "result", "computed_at"],
    )


# The household page's read of its stored evaluation, compiled once per process (core.prepared); one row per
# household at most, its date compared here.
_stored = prepared(
    lambda household_id, digest: StoredEvaluation.objects.filter(household_id=household_id, inputs=digest).values_list(
        "date", "result"
    )
)


def evaluation_current(*, household: Household, date: dt.date) -> HouseholdEvaluation:
    """The household's evaluation on `date`, as its page shows it: the stored one when it was computed for
    `date` from exactly the input the household, its members and its region's parameters hold now; otherwise
    computed now from that same input and stored. ParameterError when the region has no value for a key."""
    rows = inputs.household_rows(household.pk)
    params = selectors.parameter_rows(regions=[household.region])
    digest = selectors.evaluation_inputs(rows, params)[household.pk]
    result = next((r for day, r in _stored(household.pk, digest) if day == date), None)
    if result is None:
        frames = inputs.rows_frames(rows, date)
        result = selectors.evaluation_results(frames, pl.DataFrame(params, schema=PARAMS_SCHEMA, orient="row"))[
            household.pk
        ]
        try:
            with transaction.atomic():
                _evaluations_store({household.pk: (digest, result)}, date)
        except DatabaseError:
            # Only a shortcut is lost (a reader's write meeting a busy SQLite): the answer stands.
            log.warning("stored evaluation of household %s not written", household.pk, exc_info=True)
    return selectors.evaluation_from(result, household=household, date=date)


def evaluations_refresh(*, region: Region, date: dt.date) -> int:
    """Evaluates every household under `region` on `date` in bulk and stores the results: after a parameter
    change, nightly (ages and dates move) and after a demo build, so that pages find them ready. Safe to run
    again. Returns the households written; ParameterError when a region has no value for a key."""
    params = selectors.parameter_rows(regions=[region], below=True)
    frame = pl.DataFrame(params, schema=PARAMS_SCHEMA, orient="row")
    ids = list(Household.objects.filter(prefix_q(region.prefix)).order_by("id").values_list("id", flat=True))
    written = 0
    for start in range(0, len(ids), _REFRESH_CHUNK):
        first, last = ids[start], ids[min(start + _REFRESH_CHUNK, len(ids)) - 1]
        where = prefix_q(region.prefix) & Q(id__gte=first, id__lte=last)
        typed = inputs.registry_typed(where, person_where=Q(household__in=Household.objects.filter(where)))
        digests = selectors.evaluation_inputs((typed[0].rows(), typed[1].rows()), params)
        results = selectors.evaluation_results(inputs.typed_frames(typed, date), frame)
        with transaction.atomic():
            _evaluations_store({pk: (digests[pk], result) for pk, result in results.items()}, date)
        written += len(results)
    return written
