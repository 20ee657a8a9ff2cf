"""Writes of the policy app: parameter values, one dated row at a time, each in the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import in_scope
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.rules import PARAMETER_SPECS, ParameterError, canonical_text
from jiuzhu.policy.shipped import shipped_values
from jiuzhu.regions.models import Region


def parameter_add(
    *, actor: Any, region: Region, key: str, value: str, effective_from: dt.date, source: str
) -> Parameter:
    """A new value of `key` for `region` from `effective_from` (提标). Earlier values stay, so months
    before the date keep their numbers. ValidationError in Chinese and nothing written on bad input."""
    if not actor.has_capability(Capability.MANAGE_PARAMETERS) or not in_scope(actor, region.code):
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
            actor=actor,
            action=AuditAction.CREATE,
            object_type="parameter",
            object_id=row.pk,
            region_code=region.code,
            summary=_("%(label)s 自 %(date)s 起为 %(value)s（%(source)s）")
            % {"label": PARAMETER_SPECS[key].label, "date": effective_from, "value": value, "source": source},
            after={"key": key, "value": value, "effective_from": effective_from.isoformat(), "source": source},
        )
    return row


def parameters_load_defaults(*, region: Region, actor: Any = None) -> int:
    """Installs the shipped defaults (defaults/parameters.yaml) on `region`; returns how many rows were
    new. Idempotent: a value already there for the same key and date is left alone, even if edited."""
    existing = set(Parameter.objects.filter(region=region).values_list("key", "effective_from"))
    new = [
        Parameter(region=region, key=v.key, value=v.value, effective_from=v.effective_from, source=v.source)
        for v in shipped_values()
        if (v.key, v.effective_from) not in existing
    ]
    if not new:
        return 0
    with transaction.atomic():
        Parameter.objects.bulk_create(new)
        audit_record(
            actor=actor or "system",
            action=AuditAction.IMPORT,
            object_type="parameter",
            region_code=region.code,
            summary=_("为 %(region)s 载入默认标准与参数 %(n)d 项") % {"region": region.name, "n": len(new)},
        )
    return len(new)
