"""The bank's return file (回盘): every record answers one household's transfer of an exported payroll. The
whole file is checked first — its columns, that every reference is one of that payroll's, amounts, count
and total — and refused with a message if anything is off; only then are lines marked paid or failed (with
the bank's reason, and an account flag on the household so that its money waits for a corrected account).
The same file twice changes nothing (BankReturn unique on its digest)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import in_scope
from jiuzhu.core.tabular import TableError, _cell_text, decode_text
from jiuzhu.payments import hooks
from jiuzhu.payments.bankfiles.export import household_lines, payees, reference_expr, require_bank_capability
from jiuzhu.payments.bankfiles.layouts import BankFileError, Column, Layout, layout_get, layouts_all, text_fen
from jiuzhu.payments.models import AccountFlag, BankReturn, LineStatus, Payroll, PayrollLine, PayrollStatus
from jiuzhu.registry.models import Household

REFERENCE = re.compile(r"^P(\d{8})H(\d{10})$")
_CHUNK = 10_000


@dataclass(frozen=True)
class Parsed:
    frame: pl.DataFrame  # reference, amount_fen, ok, reason
    count: int | None  # from the trailer or 合计 row, when the layout has one
    total_fen: int | None


@dataclass(frozen=True)
class ReturnResult:
    bank_return: BankReturn
    created: bool  # False: this file was imported before, nothing changed
    paid: int
    failed: int
    reconciled: bool


# ───────────────────────────── reading ─────────────────────────────


def _amounts(texts: pl.Series, unit: str) -> pl.Series:
    """text_fen over a column: plain amounts in Polars, anything unusual ("1.000", an error) one by one."""
    cleaned = texts.str.replace_all(",", "", literal=True).str.strip_chars()
    plain = cleaned.str.contains(r"^\d{1,15}$" if unit == "fen" else r"^\d{1,13}(\.\d{1,2})?$")
    frame = pl.DataFrame({"t": cleaned})
    if unit == "fen":
        fen = frame.select(pl.col("t").cast(pl.Int64, strict=False)).to_series()
    else:
        parts = pl.col("t").str.split_exact(".", 1).struct
        fen = frame.select(
            parts.field("field_0").cast(pl.Int64, strict=False) * 100
            + parts.field("field_1").fill_null("").str.pad_end(2, "0").cast(pl.Int64, strict=False)
        ).to_series()
    odd = (~plain).arg_true().to_list()
    values = []
    for i in odd:
        try:
            values.append(text_fen(texts[i], unit))
        except BankFileError as exc:
            raise BankFileError(_("第%(i)s条：%(e)s") % {"i": i + 1, "e": exc.message}) from None
    if odd:
        if any(abs(v) >= 10**15 for v in values):
            raise BankFileError(_("回盘文件中有超出范围的金额"))
        fen = fen.scatter(odd, values)
    return fen.alias("amount_fen")


def _frame(rows: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """reference, amount_fen, ok, reason from the return's text columns."""
    if "reason" not in rows.columns:
        rows = rows.with_columns(pl.lit("").alias("reason"))
    reason, result = pl.col("reason"), pl.col("result")
    ok = result.is_in(sorted(layout.returns.success))
    return rows.select(
        pl.col("reference"),
        _amounts(rows["amount"], layout.amount),
        ok.alias("ok"),
        pl.when(ok)
        .then(pl.lit(""))
        .when(reason != "")
        .then(reason)
        .when(result != "")
        .then(result)
        .otherwise(pl.lit(_("银行未说明原因")))
        .alias("reason"),
    )


# Fields of a return record that are read; the others (name, account, summary) are the bank's echo.
_READ = ("reference", "amount", "result", "reason")


def _details(frame: pl.DataFrame, columns: tuple[Column, ...], encoding: str) -> pl.DataFrame:
    """The detail records sliced at byte offsets: the lines come as Latin-1 text (one character a byte),
    and the few fields read that hold other characters are decoded again from their bytes."""
    width = sum(c.width for c in columns)
    wrong = frame.filter(pl.col("line").str.len_chars() != width)
    if wrong.height:
        n, got = wrong["n"][0], wrong["line"].str.len_chars()[0]
        raise BankFileError(_("第%(n)s行长度为%(l)s字节，应为%(w)s字节") % {"n": n, "l": got, "w": width})
    exprs, pos = [], 0
    for i, col in enumerate(columns):
        if not col.field or col.field in _READ:
            exprs.append(pl.col("line").str.slice(pos, col.width).str.strip_chars().alias(col.field or f"_const{i}"))
        pos += col.width
    fields = frame.select(pl.col("n"), *exprs)
    for i, col in enumerate(columns):
        if not col.field:
            bad = fields.filter(pl.col(f"_const{i}") != col.value)
            if bad.height:
                raise BankFileError(_("第%(n)s行的记录类型应为“%(v)s”") % {"n": bad["n"][0], "v": col.value})
    fields = fields.select([c.field for c in columns if c.field in _READ])
    for name in fields.columns:
        series = fields[name]
        odd = series.str.contains(r"[^\x00-\x7f]").arg_true().to_list()
        if odd:
            again = [series[i].encode("latin-1").decode(encoding, errors="replace") for i in odd]
            fields = fields.with_columns(series.scatter(odd, again))
    return fields


def _split(line: bytes, columns: tuple[Column, ...], encoding: str, n: int) -> dict[str, str]:
    width = sum(c.width for c in columns)
    if len(line) != width:
        raise BankFileError(_("第%(n)s行长度为%(l)s字节，应为%(w)s字节") % {"n": n, "l": len(line), "w": width})
    values, pos = {}, 0
    for col in columns:
        try:
            text = line[pos : pos + col.width].decode(encoding).strip()
        except UnicodeDecodeError:
            raise BankFileError(_("第%(n)s行无法按%(e)s编码读取") % {"n": n, "e": encoding}) from None
        pos += col.width
        if col.field:
            values[col.field] = text
        elif text != col.value:
            raise BankFileError(_("第%(n)s行的记录类型应为“%(v)s”") % {"n": n, "v": col.value})
    return values


def _kind(columns: tuple[Column, ...]) -> bytes | None:
    return columns[0].value.encode() if columns and not columns[0].field else None


def _parse_fixed(layout: Layout, data: bytes) -> Parsed:
    spec = layout.returns
    try:
        encoding = spec.encoding or decode_text(data)[1]
        data.decode(encoding)  # the whole file is in its encoding; then read byte by byte
    except (TableError, UnicodeDecodeError):
        raise BankFileError(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码")) from None
    text = data.decode("latin-1")
    lines = (
        pl.DataFrame({"line": text.split("\n")})
        .with_row_index("n", offset=1)
        .with_columns(pl.col("line").str.strip_chars_end("\r"))
        .filter(pl.col("line").str.strip_chars() != "")
    )
    head, foot, detail = _kind(spec.header), _kind(spec.footer), _kind(spec.columns)
    trailer = None
    if head and lines.height and lines["line"][0].startswith(head.decode()):
        _split(lines["line"][0].encode("latin-1"), spec.header, encoding, lines["n"][0])
        lines = lines.slice(1)
    if foot and lines.height and lines["line"][-1].startswith(foot.decode()):
        trailer = _split(lines["line"][-1].encode("latin-1"), spec.footer, encoding, lines["n"][-1])
        lines = lines.slice(0, lines.height - 1)
    if foot and trailer is None:
        raise BankFileError(_("回盘文件缺少尾记录（笔数和合计），可能不完整"))
    if detail is not None:
        stray = lines.filter(~pl.col("line").str.starts_with(detail.decode()))
        if stray.height:
            raise BankFileError(_("第%(n)s行不是本格式的记录") % {"n": stray["n"][0]})
    rows = _details(lines, spec.columns, encoding)
    count = int(trailer["count"]) if trailer and trailer.get("count", "").isdigit() else None
    total = text_fen(trailer["total"], layout.amount) if trailer and trailer.get("total") else None
    return Parsed(_frame(rows, layout), count, total)


def _table_cells(layout: Layout, data: bytes) -> list[list[str]]:
    if layout.returns.format == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            raise BankFileError(_("无法打开 Excel 文件")) from None
        cells = [[_cell_text(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
        return cells
    try:
        text = data.decode(layout.returns.encoding) if layout.returns.encoding else decode_text(data)[0]
    except (TableError, UnicodeDecodeError):
        raise BankFileError(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码")) from None
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]


def _parse_table(layout: Layout, data: bytes) -> Parsed:
    spec = layout.returns
    cells = _table_cells(layout, data)
    titles = [c.title for c in spec.columns]
    start = next((i for i, row in enumerate(cells) if set(titles) <= set(row)), None)
    if start is None:
        raise BankFileError(_("回盘文件缺少列：%(c)s") % {"c": "、".join(titles)})
    where = {c.field: cells[start].index(c.title) for c in spec.columns}
    rows, total = [], None
    for row in cells[start + 1 :]:
        if not any(row):
            continue
        row = row + [""] * (len(cells[start]) - len(row))
        if spec.footer_label and spec.footer_label in row:
            total = text_fen(row[where["amount"]], layout.amount) if row[where["amount"]] else None
            break
        rows.append({field: row[i] for field, i in where.items()})
    frame = pl.DataFrame(rows, schema=dict.fromkeys(where, pl.String))
    return Parsed(_frame(frame, layout), len(rows) if total is not None else None, total)


def return_parse(layout: Layout, data: bytes) -> Parsed:
    if layout.returns.format == "fixed":
        return _parse_fixed(layout, data)
    if (layout.returns.format == "xlsx") != (data[:2] == b"PK"):
        raise BankFileError(_("文件类型与格式“%(l)s”不符") % {"l": layout.title})
    return _parse_table(layout, data)


def _parse_any(data: bytes, layout: str | None) -> tuple[Layout, Parsed]:
    if layout:
        chosen = layout_get(layout)
        return chosen, return_parse(chosen, data)
    for candidate in layouts_all():
        try:
            return candidate, return_parse(candidate, data)
        except BankFileError:
            continue
    raise BankFileError(_("无法识别回盘文件的格式，请选择银行文件格式后重试"))


# ───────────────────────────── checking ─────────────────────────────


def _payroll_of(frame: pl.DataFrame, actor: User | None, expected: Payroll | None) -> Payroll:
    if frame.height == 0:
        raise BankFileError(_("回盘文件中没有明细"))
    bad = frame.filter(~pl.col("reference").str.contains(REFERENCE.pattern))["reference"].to_list()
    if bad:
        raise BankFileError(_("业务编号“%(r)s”不是本系统导出的") % {"r": bad[0]})
    dup = frame.filter(pl.col("reference").is_duplicated())["reference"].to_list()
    if dup:
        raise BankFileError(_("业务编号“%(r)s”在回盘文件中出现了不止一次") % {"r": dup[0]})
    ids = frame["reference"].str.slice(1, 8).cast(pl.Int64).unique().to_list()
    if len(ids) != 1:
        raise BankFileError(_("回盘文件包含多个发放批次的记录"))
    payroll = Payroll.objects.select_related("region").filter(pk=ids[0]).first()
    if payroll is None or (actor is not None and not in_scope(actor, payroll.region_code)):
        raise BankFileError(_("回盘文件对应的发放批次不存在"))
    if expected is not None and expected.pk != payroll.pk:
        raise BankFileError(_("这是发放批次“%(a)s”的回盘文件，不是本批次“%(b)s”") % {"a": payroll, "b": expected})
    return payroll


def _check(parsed: Parsed, payroll: Payroll) -> pl.DataFrame:
    """The answered households with their ids; raises on any mismatch with what was exported."""
    frame = parsed.frame
    if parsed.count is not None and parsed.count != frame.height:
        raise BankFileError(
            _("回盘文件尾记录的笔数（%(a)s）与明细笔数（%(b)s）不符") % {"a": parsed.count, "b": frame.height}
        )
    total = int(frame["amount_fen"].sum() or 0)
    if parsed.total_fen is not None and parsed.total_fen != total:
        raise BankFileError(_("回盘文件的合计金额与明细之和不符"))
    if payroll.status != PayrollStatus.EXPORTED:
        raise BankFileError(
            _("发放批次“%(p)s”的状态为%(s)s，不能导入回盘") % {"p": payroll, "s": payroll.get_status_display()}
        )
    households = payees(payroll)[1]
    exported = households.filter(pl.col("amount_fen") != 0).select(
        pl.col("household_id"),
        pl.col("amount_fen").alias("exported_fen"),
        pl.col("region_code"),
        reference_expr(payroll.pk),
    )
    joined = frame.join(exported, on="reference", how="left", maintain_order="left")
    unknown = joined.filter(pl.col("household_id").is_null())["reference"].to_list()
    if unknown:
        raise BankFileError(_("业务编号“%(r)s”不在本批次的银行文件中") % {"r": unknown[0]})
    wrong = joined.filter(pl.col("amount_fen") != pl.col("exported_fen"))["reference"].to_list()
    if wrong:
        raise BankFileError(_("业务编号“%(r)s”的金额与导出的银行文件不符") % {"r": wrong[0]})
    answered = set(
        household_lines(payroll).exclude(status=LineStatus.PENDING).values_list("household_id", flat=True).distinct()
    )
    again = joined.filter(pl.col("household_id").is_in(list(answered)))["reference"].to_list()
    if again:
        raise BankFileError(_("业务编号“%(r)s”已在之前的回盘中处理过") % {"r": again[0]})
    return joined


# ───────────────────────────── writing ─────────────────────────────


def _apply(payroll: Payroll, joined: pl.DataFrame) -> None:
    paid = joined.filter(pl.col("ok"))["household_id"].to_list()
    for start in range(0, len(paid), _CHUNK):
        PayrollLine.objects.filter(
            payroll=payroll, household_id__in=paid[start : start + _CHUNK], status=LineStatus.PENDING
        ).update(status=LineStatus.PAID)
    failed = joined.filter(~pl.col("ok"))
    for (reason,), group in failed.group_by("reason"):
        ids = group["household_id"].to_list()
        for start in range(0, len(ids), _CHUNK):
            household_lines(payroll).filter(household_id__in=ids[start : start + _CHUNK]).update(
                status=LineStatus.FAILED, failure_reason=str(reason)[:200]
            )
    if failed.height:
        ids = failed["household_id"].to_list()
        flagged = set(
            AccountFlag.objects.filter(household_id__in=ids, resolved_at__isnull=True).values_list(
                "household_id", flat=True
            )
        )
        first_line = dict(
            household_lines(payroll)
            .filter(household_id__in=ids)
            .values("household_id")
            .annotate(first=Min("id"))
            .values_list("household_id", "first")
        )
        AccountFlag.objects.bulk_create(
            AccountFlag(
                household_id=row["household_id"],
                region_code=row["region_code"],
                line_id=first_line.get(row["household_id"]),
                reason=str(row["reason"])[:200],
            )
            for row in failed.iter_rows(named=True)
            if row["household_id"] not in flagged
        )


@transaction.atomic
def bank_return_import(
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    layout: str | None = None,
    payroll: Payroll | None = None,
) -> ReturnResult:
    """Take the bank's return file: all of it or none of it. `layout` None: the shipped layouts are tried
    in turn; `payroll`: the file must be this payroll's."""
    digest = hashlib.sha256(data).hexdigest()
    chosen, parsed = _parse_any(data, layout)
    found = _payroll_of(parsed.frame, actor, payroll)
    require_bank_capability(actor, found.region_code)
    found = Payroll.objects.select_for_update().select_related("region").get(pk=found.pk)
    before = BankReturn.objects.filter(payroll=found, sha256=digest).first()
    if before is not None:
        return ReturnResult(before, False, before.paid, before.failed, found.status == PayrollStatus.RECONCILED)
    joined = _check(parsed, found)
    _apply(found, joined)
    paid = int(joined["ok"].sum())
    failed = joined.height - paid
    bank_return = BankReturn.objects.create(
        payroll=found, filename=filename[:200], sha256=digest, paid=paid, failed=failed, imported_by=actor
    )
    reconciled = not PayrollLine.objects.filter(payroll=found, status=LineStatus.PENDING).exists()
    if reconciled:
        found.status = PayrollStatus.RECONCILED
        found.reconciled_at = timezone.now()
        found.save(update_fields=["status", "reconciled_at"])
    if failed:  # the month's statistics count what the bank paid
        hooks.payroll_paid(month=found.month)
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="payroll",
        object_id=found.pk,
        region_code=found.region_code,
        summary=_("导入银行回盘 %(f)s：成功%(p)s笔，失败%(x)s笔") % {"f": filename, "p": paid, "x": failed},
        after={"layout": chosen.name, "paid": paid, "failed": failed, "reconciled": reconciled},
    )
    return ReturnResult(bank_return, True, paid, failed, reconciled)


def account_flags_resolve(*, household: Household, actor: Any = None) -> int:
    """The household's account was corrected: its open flags close, so the next payroll pays it again
    (back pay for the failed months). Registered with registry.hooks.on_bank_account_changed."""
    now = timezone.now()
    resolved = AccountFlag.objects.filter(household=household, resolved_at__isnull=True).update(resolved_at=now)
    if resolved:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="household",
            object_id=household.pk,
            region_code=household.region_code,
            summary=_("家庭 %(n)s 银行账号已更正，待下期补发") % {"n": household.number},
        )
    return resolved
