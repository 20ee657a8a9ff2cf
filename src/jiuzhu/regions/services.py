"""Writes to the region tree: the county admin imports a list of 统计用区划代码."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.core.audit import audit_record
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.models import AuditAction
from jiuzhu.core.tabular import RowError, read_table
from jiuzhu.regions.models import Level, Region, UrbanRural, level_of_code, parent_code

if TYPE_CHECKING:  # regions stand below accounts: the user type is for the checker only
    import polars as pl

    from jiuzhu.accounts.models import User

COLUMNS = {"code": "区划代码", "name": "名称", "urban_rural": "城乡分类代码"}
VALID_CLASSES = frozenset(c.value for c in UrbanRural)


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def region_import(*, actor: User | None, data: bytes, filename: str) -> RegionImportResult:
    """All rows checked first (12 digits, parent known, inside the admin's county, no repeats); any error
    and nothing is written. Existing codes get their name and class updated."""
    if actor is not None and not actor.has_capability(Capability.MANAGE_REGIONS):
        raise PermissionDenied(_("您的角色无权管理行政区划"))
    frame, _enc = read_table(data, filename)
    missing = [label for label in (COLUMNS["code"], COLUMNS["name"]) if label not in frame.columns]
    if missing:
        return RegionImportResult(errors=[RowError(1, m, "", _("缺少必需的列")) for m in missing])
    known = {r.code: r for r in Region.objects.all()}
    scope = actor.scope_prefix if actor is not None else ""
    rows, errors = _checked_rows(frame, scope=scope, known=known)
    if errors:
        return RegionImportResult(errors=errors)
    with transaction.atomic():
        result = _regions_write(rows, known=known)
        audit_record(
            actor=actor or "system",
            action=AuditAction.IMPORT,
            object_type="region",
            region_code=scope or "",
            summary=_("导入行政区划：新增 %(c)d，更新 %(u)d（%(f)s）")
            % {"c": result.created, "u": result.updated, "f": filename},
        )
    return result


# A row as read: code, name, urban-rural class ("" when the file has no such column or leaves it blank).
_Row = tuple[str, str, str]


def _checked_rows(
    frame: pl.DataFrame, *, scope: str | None, known: dict[str, Region]
) -> tuple[list[_Row], list[RowError]]:
    """The rows with a well-formed, unrepeated code, and every error in the file by row number. A row whose
    code is malformed or repeated is not checked further."""
    has_class = COLUMNS["urban_rural"] in frame.columns
    errors: list[RowError] = []
    seen: dict[str, int] = {}  # code → the row it was first given on
    rows: list[_Row] = []
    for i, rec in enumerate(frame.iter_rows(named=True), start=2):
        code, name = rec[COLUMNS["code"]], rec[COLUMNS["name"]]
        cls = rec[COLUMNS["urban_rural"]] if has_class else ""
        code_error = _code_error(i, code, seen)
        if code_error is not None:
            errors.append(code_error)
            continue
        seen[code] = i
        errors.extend(_row_errors(i, (code, name, cls), scope=scope))
        rows.append((code, name, cls))
    errors.extend(_parent_errors(rows, seen=seen, known=known))
    return rows, sorted(errors, key=lambda e: e.row)


def _code_error(i: int, code: str, seen: dict[str, int]) -> RowError | None:
    if not (len(code) == 12 and code.isdigit()):
        return RowError(i, COLUMNS["code"], code, _("区划代码应为12位数字"))
    if code in seen:
        return RowError(i, COLUMNS["code"], code, _("与第 %(r)d 行重复") % {"r": seen[code]})
    return None


def _row_errors(i: int, row: _Row, *, scope: str | None) -> list[RowError]:
    """A name, a known class, and a code inside the importer's county (None: a user who sees nothing)."""
    code, name, cls = row
    errors = []
    if not name:
        errors.append(RowError(i, COLUMNS["name"], name, _("名称不能为空")))
    if cls and cls not in VALID_CLASSES:
        errors.append(
            RowError(i, COLUMNS["urban_rural"], cls, _("城乡分类代码应为 111、112、121、122、123、210 或 220"))
        )
    if scope is not None and not code.startswith(scope or ""):
        errors.append(RowError(i, COLUMNS["code"], code, _("不在您的管辖范围内")))
    return errors


def _parent_errors(rows: list[_Row], *, seen: dict[str, int], known: dict[str, Region]) -> list[RowError]:
    """Each row's parent is either in the tree already or in the same file."""
    codes = {r[0] for r in rows}
    errors = []
    for code, _name, _cls in rows:
        up_code = parent_code(code)
        if up_code is not None and up_code not in known and up_code not in codes:
            errors.append(RowError(seen[code], COLUMNS["code"], code, _("上级区划 %(p)s 不存在") % {"p": up_code}))
    return errors


def _regions_write(rows: list[_Row], *, known: dict[str, Region]) -> RegionImportResult:
    """New codes created, existing ones renamed or reclassed; parents first, so each child finds its parent
    in `known` (which grows as regions are created)."""
    result = RegionImportResult()
    for code, name, cls in sorted(rows):
        up = parent_code(code)
        parent = known.get(up) if up else None
        existing = known.get(code)
        if existing is None:
            region = Region.objects.create(
                code=code, name=name, level=level_of_code(code), parent=parent, urban_rural=cls
            )
            known[code] = region
            result.created += 1
        elif existing.name != name or (cls and existing.urban_rural != cls):
            existing.name = name
            existing.urban_rural = cls or existing.urban_rural
            existing.save(update_fields=["name", "urban_rural"])
            result.updated += 1
    return result


def region_ensure(*, code: str, name: str, urban_rural: str = "") -> Region:
    """Create a region (and check its parent exists); used by the demo and tests."""
    parent_c = parent_code(code)
    parent = Region.objects.get(code=parent_c) if parent_c else None
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={"name": name, "level": level_of_code(code), "parent": parent, "urban_rural": urban_rural},
    )
    return region


__all__ = ["Level", "RegionImportResult", "region_ensure", "region_import"]
