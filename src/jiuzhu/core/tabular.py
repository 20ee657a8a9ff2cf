"""Files staff live with: xlsx and CSV in UTF-8 or GBK, read into a Polars frame of strings;
row-by-row error reports; exports that a spreadsheet cannot execute."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jiuzhu.core.text import for_spreadsheet


class TableError(ValueError):
    """The file cannot be read as a table at all (wrong type, undecodable, empty)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the spreadsheet: header is row 1
    column: str
    value: str
    message: str


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise TableError(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 xlsx 文件")) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def too_many_rows(limit: int) -> TableError:
    return TableError(_("文件超过 %(n)s 行的上限，未导入任何数据。请拆分为多个文件分批导入。") % {"n": f"{limit:,}"})


def read_table(data: bytes, filename: str, *, max_rows: int | None = None) -> tuple[pl.DataFrame, str]:
    """All cells as stripped strings (empty for blank), header names stripped; and the encoding found.
    With `max_rows`, a file holding more data rows is refused (TableError) as soon as the reading passes the
    limit, before the rest is read."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _read_xlsx(data, max_rows), "xlsx"
    if name.endswith(".xls"):
        raise TableError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx"))
    text, encoding = decode_text(data)
    if not text.strip():
        raise TableError(_("文件是空的"))
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            infer_schema=False,
            truncate_ragged_lines=False,
            n_rows=None if max_rows is None else max_rows + 1,
        )
    except pl.exceptions.PolarsError as exc:
        raise TableError(_("CSV 文件格式有误：%(e)s") % {"e": str(exc).splitlines()[0]}) from None
    if max_rows is not None and frame.height > max_rows:
        raise too_many_rows(max_rows)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_columns(pl.all().fill_null("").str.strip_chars()), encoding


def _read_xlsx(data: bytes, max_rows: int | None = None) -> pl.DataFrame:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise TableError(_("无法打开 Excel 文件：%(e)s") % {"e": type(exc).__name__}) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise TableError(_("文件是空的"))
    names = [_cell_text(h) for h in header]
    while names and not names[-1]:
        names.pop()
    width = len(names)
    body: list[list[str]] = []
    # Streaming (read_only), only the header's columns, blank rows not kept: memory grows with the data rows
    # kept (at most max_rows + 1), never with the sheet's claimed size; Excel's sheet ends at 1 048 576 rows.
    for row in ws.iter_rows(min_row=2, max_col=max(width, 1), values_only=True):
        cells = [_cell_text(v) for v in row[:width]]
        if not any(cells):
            continue
        cells += [""] * (width - len(cells))
        body.append(cells)
        if max_rows is not None and len(body) > max_rows:
            wb.close()
            raise too_many_rows(max_rows)
    wb.close()
    if not names:
        raise TableError(_("第一行应为列名"))
    columns = {n: [r[i] for r in body] for i, n in enumerate(names)}
    return pl.DataFrame(columns, schema=dict.fromkeys(names, pl.String))


def safe_cell(value: object) -> object:
    """Neutralise a spreadsheet formula: a text cell starting with = + - @ (or tab/CR) is prefixed with '; and
    drop control characters a spreadsheet cannot hold (one in a name used to break the whole export). A lazily
    translated label is written as the text it stands for."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value:
        value = for_spreadsheet(value)
        if value and value[0] in "=+-@\t\r":
            return "'" + value
    return value


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title or "Sheet1")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    from openpyxl.cell import WriteOnlyCell

    head_cells = []
    for h in header:
        c = WriteOnlyCell(ws, value=str(h))
        c.font, c.fill = bold, fill
        head_cells.append(c)
    ws.append(head_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8-sig"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([safe_cell(v) for v in row])
    return path


def write_error_report(path: Path, errors: Sequence[RowError]) -> Path:
    return write_xlsx(
        path,
        [_("行号"), _("列"), _("值"), _("问题")],
        ([e.row, e.column, e.value, e.message] for e in errors),
        title=_("错误报告"),
    )
