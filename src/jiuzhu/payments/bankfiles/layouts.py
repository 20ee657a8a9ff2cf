"""Bank file layouts as data (payments/layouts/*.yaml): columns and their order, widths, encoding, header
and footer records with count and total, the file name pattern, amounts in yuan or fen, and how the bank's
return file of the same layout reads. Adding a bank is adding a YAML file, not code."""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "layouts"
FORMATS = ("xlsx", "csv", "fixed")
# What a detail column may show; header/footer cells may show the batch's fields.
DETAIL_FIELDS = frozenset(
    {"seq", "reference", "household_number", "payee_name", "id_number", "bank_name", "account", "amount", "summary"}
)
BATCH_FIELDS = frozenset({"batch", "date", "count", "total", "month", "region_code", "region_name", "payroll_id"})
RETURN_FIELDS = frozenset({"reference", "amount", "result", "reason"}) | DETAIL_FIELDS | BATCH_FIELDS


class BankFileError(ValueError):
    """A bank file cannot be written or a return file cannot be taken: the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    field: str = ""  # a field name, or "" with a constant `value`
    title: str = ""
    width: int = 0  # fixed-width only: bytes in the layout's encoding
    align: str = "left"
    pad: str = " "
    value: str = ""
    format: str = ""  # a date's strftime pattern


@dataclass(frozen=True)
class ReturnSpec:
    format: str
    encoding: str  # "" = UTF-8 or GBK, whichever the file is in
    columns: tuple[Column, ...]
    header: tuple[Column, ...]
    footer: tuple[Column, ...]
    success: frozenset[str]
    footer_label: str


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    format: str
    encoding: str
    filename: str
    amount: str  # "yuan" (2 decimals) or "fen" (integer)
    sheet: str
    columns: tuple[Column, ...]
    header: tuple[Column, ...]  # fixed: the header record
    footer: tuple[Column, ...]  # fixed: the trailer record
    preamble: tuple[tuple[str, ...], ...]  # xlsx/csv: rows above the column titles
    footer_rows: tuple[tuple[str, ...], ...]  # xlsx/csv: rows below the table
    returns: ReturnSpec


def fen_text(fen: int, unit: str) -> str:
    """12345 → "123.45" (yuan) or "12345" (fen); integer arithmetic only, never a float."""
    if unit == "fen":
        return str(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def text_fen(text: str, unit: str) -> int:
    """The inverse of fen_text, strict: "123.4" and "123.45" are yuan, "12345" fen; anything else refused."""
    from decimal import Decimal, InvalidOperation

    raw = text.strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BankFileError(_("金额“%(v)s”不是数字") % {"v": text}) from None
    fen = value if unit == "fen" else value * 100
    if fen != fen.to_integral_value():
        raise BankFileError(_("金额“%(v)s”不是整分") % {"v": text})
    return int(fen)


def _column(raw: Any, *, fixed: bool, allowed: frozenset[str], where: str) -> Column:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a column is a mapping, got {raw!r}")
    unknown = set(raw) - {"field", "title", "width", "align", "pad", "value", "format"}
    if unknown:
        raise ValueError(f"{where}: unknown column keys {sorted(unknown)}")
    col = Column(
        field=str(raw.get("field", "")),
        title=str(raw.get("title", "")),
        width=int(raw.get("width", 0)),
        align=str(raw.get("align", "left")),
        pad=str(raw.get("pad", " ")),
        value=str(raw.get("value", "")),
        format=str(raw.get("format", "")),
    )
    if col.field and col.field not in allowed:
        raise ValueError(f"{where}: unknown field {col.field!r}")
    if fixed and col.width <= 0:
        raise ValueError(f"{where}: fixed-width column {col.field or col.value!r} needs a width")
    if col.align not in ("left", "right") or len(col.pad) != 1:
        raise ValueError(f"{where}: align is left/right and pad one character")
    return col


def _columns(raw: Any, *, fixed: bool, allowed: frozenset[str], where: str) -> tuple[Column, ...]:
    return tuple(_column(c, fixed=fixed, allowed=allowed, where=where) for c in raw or [])


def _rows(raw: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(c) for c in row) for row in raw or [])


def _returns(raw: dict[str, Any], where: str) -> ReturnSpec:
    fmt = str(raw.get("format", ""))
    if fmt not in FORMATS:
        raise ValueError(f"{where}: returns.format must be one of {FORMATS}")
    fixed = fmt == "fixed"
    spec = ReturnSpec(
        format=fmt,
        encoding=str(raw.get("encoding", "")),
        columns=_columns(raw.get("columns"), fixed=fixed, allowed=RETURN_FIELDS, where=where),
        header=_columns(raw.get("header"), fixed=fixed, allowed=RETURN_FIELDS, where=where),
        footer=_columns(raw.get("footer"), fixed=fixed, allowed=RETURN_FIELDS, where=where),
        success=frozenset(str(s) for s in raw.get("success", [])),
        footer_label=str(raw.get("footer_label", "")),
    )
    missing = {"reference", "amount", "result"} - {c.field for c in spec.columns}
    if missing or not spec.success:
        raise ValueError(f"{where}: returns need columns reference, amount, result and success codes")
    if spec.encoding:
        codecs.lookup(spec.encoding)
    return spec


def layout_parse(raw: dict[str, Any], where: str = "layout") -> Layout:
    """A layout from its YAML mapping, checked so that a broken file fails when loaded, not when a payroll
    is exported."""
    fmt = str(raw.get("format", ""))
    if fmt not in FORMATS:
        raise ValueError(f"{where}: format must be one of {FORMATS}")
    fixed = fmt == "fixed"
    batch = BATCH_FIELDS
    layout = Layout(
        name=str(raw["name"]),
        title=str(raw.get("title", raw["name"])),
        format=fmt,
        encoding=str(raw.get("encoding", "utf-8")),
        filename=str(raw["filename"]),
        amount=str(raw.get("amount", "yuan")),
        sheet=str(raw.get("sheet", "Sheet1")),
        columns=_columns(raw.get("columns"), fixed=fixed, allowed=DETAIL_FIELDS, where=where),
        header=_columns(raw.get("header"), fixed=fixed, allowed=batch, where=where) if fixed else (),
        footer=_columns(raw.get("footer"), fixed=fixed, allowed=batch, where=where) if fixed else (),
        preamble=() if fixed else _rows(raw.get("preamble")),
        footer_rows=() if fixed else _rows(raw.get("footer")),
        returns=_returns(raw.get("returns") or {}, where),
    )
    codecs.lookup(layout.encoding)
    if layout.amount not in ("yuan", "fen"):
        raise ValueError(f"{where}: amount is yuan or fen")
    if not layout.columns or "reference" not in {c.field for c in layout.columns}:
        raise ValueError(f"{where}: the detail needs a reference column, which the return file answers")
    return layout


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Layout]:
    layouts = {}
    for path in sorted(LAYOUT_DIR.glob("*.yaml")):
        layout = layout_parse(yaml.safe_load(path.read_text(encoding="utf-8")), where=path.name)
        layouts[layout.name] = layout
    return layouts


def layouts_all() -> list[Layout]:
    return list(_shipped().values())


def layout_get(name: str) -> Layout:
    try:
        return _shipped()[name]
    except KeyError:
        names = "、".join(_shipped())
        raise BankFileError(_("没有名为 %(n)s 的银行文件格式（可用：%(all)s）") % {"n": name, "all": names}) from None


def batch_text(template: str, context: dict[str, Any]) -> str:
    """A header/footer cell or the file name, e.g. "{month:%Y%m}" or "{count}"."""
    return template.format(**context)


def fixed_cell(value: str, col: Column, encoding: str) -> bytes:
    """One fixed-width field: padded to `width` bytes in the encoding; too long is an error, never a cut
    (a cut account or name pays the wrong person)."""
    raw = value.encode(encoding)
    if len(raw) > col.width:
        raise BankFileError(
            _("“%(v)s”超过了%(f)s字段的长度（%(w)s字节）") % {"v": value, "f": col.field or col.value, "w": col.width}
        )
    fill = col.pad.encode(encoding) * (col.width - len(raw))
    return fill + raw if col.align == "right" else raw + fill


def cell_value(col: Column, values: dict[str, Any]) -> str:
    if not col.field:
        return col.value
    value = values[col.field]
    if isinstance(value, dt.date) and col.format:
        return value.strftime(col.format)
    return str(value)
