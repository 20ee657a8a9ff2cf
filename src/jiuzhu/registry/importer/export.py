"""The roster as a file (家庭成员名册), in the template's columns, so an exported sheet reads like the import
sheet; ID numbers, phones and accounts masked unless the user may see them in full."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import prefix_q, scope_q
from jiuzhu.core.tabular import write_csv, write_xlsx
from jiuzhu.registry.importer.columns import COLUMNS, Column
from jiuzhu.registry.models import Person

# 户主身份证号 only tells the import which family a row joins; the export says it with 户编号.
_EXPORTED = [c for c in COLUMNS if c.key != "head_id"]
EXPORT_HEADERS = [c.header for c in _EXPORTED]
# Stored encrypted and shown masked: (the encrypted field, the masked one).
_SECRET = {
    "phone": ("household__phone_enc", "household__phone_masked"),
    "bank_account": ("household__bank_account_enc", "household__bank_account_masked"),
    "id_number": ("id_number_enc", "id_masked"),
    "disability_cert": ("disability_cert_enc", "disability_cert_masked"),
}


def _field(column: Column) -> str:
    return ("household__" if column.level == "household" else "") + (column.field or column.key)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    persons: int
    full: bool


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override(None):
        return {c.value: str(c.label) for c in choices}


def roster_rows(*, user: User, region: str = "", full: bool = False) -> Iterator[list[object]]:
    """Every person in the user's scope (optionally under a region prefix), one list per row, in
    EXPORT_HEADERS order. Read in chunks straight from the columns; ID numbers, phones and accounts
    masked unless `full` (the caller checks the permission and logs it)."""
    qs = Person.objects.filter(scope_q(user))
    if region:
        qs = qs.filter(prefix_q(region))
    fields = list(dict.fromkeys(f for c in _EXPORTED for f in _SECRET.get(c.key, (_field(c),))))
    labels = {c.key: _labels(c.choices) for c in COLUMNS if c.choices is not None}
    yes, no = "是", "否"
    sexes = {"M": "男", "F": "女"}
    for rec in qs.order_by("household__number", "id").values_list(*fields).iterator(chunk_size=5000):
        values = dict(zip(fields, rec, strict=True))
        row: list[object] = []
        for column in _EXPORTED:
            key = column.key
            value: object
            if key in _SECRET:
                encrypted, masked = _SECRET[key]
                value = pii.decrypt(values[encrypted]) if full else values[masked]
            else:
                value = values[_field(column)]
            if key == "sex":
                value = sexes.get(str(value), "")
            elif key in labels:
                value = labels[key].get(str(value), value)
            elif isinstance(value, bool):
                value = yes if value else no
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif value is None:
                value = ""
            else:
                value = str(value)
            row.append(value)
        yield row


def roster_export(*, user: User, path: Path, fmt: str, region: str = "", full: bool = False) -> ExportResult:
    """Write the roster in the user's scope to `path` (xlsx or csv) and log the export.
    Formulas are neutralised by the writers (safe_cell); `full` needs the reveal permission."""
    if not user.has_capability(Capability.EXPORT_REGISTRY):
        raise PermissionDenied(_("您的角色无权导出名册"))
    if full and not user.can_reveal_pii:
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    counter = _Counter(roster_rows(user=user, region=region, full=full))
    if fmt == "csv":
        write_csv(path, EXPORT_HEADERS, counter)
    else:
        write_xlsx(path, EXPORT_HEADERS, counter, title=_("家庭成员"))
    scope = user.scope_prefix or ""
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="person",
        region_code=region if region.startswith(scope) and len(region) > len(scope) else scope,
        summary=_("导出家庭成员名册 %(n)d 人（%(f)s，%(m)s）")
        % {"n": counter.count, "f": fmt, "m": _("完整身份证号") if full else _("身份证号已脱敏")},
        after={"persons": counter.count, "format": fmt, "region": region or scope, "full": full},
    )
    return ExportResult(path=path, persons=counter.count, full=full)


class _Counter(Iterator[list[object]]):
    def __init__(self, rows: Iterator[list[object]]) -> None:
        self.rows, self.count = rows, 0

    def __next__(self) -> list[object]:
        row = next(self.rows)
        self.count += 1
        return row
