"""Writing the bank file of an approved payroll: one record a household (its lines of the payroll netted, so
a recovery is taken from the same transfer), in a layout of payments/layouts. Set-based: the lines are read
as columns into Polars; the only per-row work is decrypting the account into the file and formatting."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.capabilities import Capability
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.core.tabular import safe_cell
from jiuzhu.payments.bankfiles.layouts import (
    BankFileError,
    Layout,
    batch_text,
    cell_value,
    fen_text,
    fixed_cell,
    layout_get,
)
from jiuzhu.payments.models import BankFile, LineKind, LineStatus, Payroll, PayrollLine, PayrollStatus
from jiuzhu.registry.models import Person, Relation

# Who writes the bank file and reads its return: the county approver, who approved the payroll.
BANK_CAPABILITY = Capability.EXPORT_BANK_FILE
# What the recipient's passbook shows; bank data, so not translated with the user's language.
SUMMARY = "{month:%Y年%m月}社会救助金"


def require_bank_capability(actor: User | None, region_code: str) -> None:
    """actor None: the system operator at the command line, who holds the server anyway."""
    if actor is None:
        return
    if not actor.has_capability(BANK_CAPABILITY):
        raise PermissionDenied
    require_scope(actor, region_code)


def line_reference(payroll_id: int, household_id: int) -> str:
    """What the bank echoes in its return: the payroll and the household, 20 characters."""
    return f"P{payroll_id:08d}H{household_id:010d}"


def reference_expr(payroll_id: int) -> pl.Expr:
    """line_reference over the household_id column."""
    return (pl.lit(f"P{payroll_id:08d}H") + pl.col("household_id").cast(pl.String).str.zfill(10)).alias("reference")


def household_lines(payroll: Payroll) -> QuerySet[PayrollLine]:
    """The lines paid to households' accounts. 资助参保 (kind INSURANCE) goes to the medical insurance fund
    in one transfer of its own (fund_summary), never into the household bank file."""
    return PayrollLine.objects.filter(payroll=payroll).exclude(kind=LineKind.INSURANCE)


def fund_summary(payroll: Payroll) -> tuple[int, int]:
    """(persons, fen) of the payroll's 资助参保 lines: what is transferred to the insurance fund."""
    got = PayrollLine.objects.filter(payroll=payroll, kind=LineKind.INSURANCE).aggregate(
        n=Count("id"), t=Sum("amount_fen")
    )
    return int(got["n"] or 0), int(got["t"] or 0)


def _lines(payroll: Payroll) -> pl.DataFrame:
    """Every line of the payroll, 资助参保 included (kind), with its household's number and region (a join by
    primary key: cheaper than a second read of the households by an IN over a million lines). One read of
    the lines serves the file, its check against the payroll's totals and the fund's transfer."""
    rows = (
        PayrollLine.objects.filter(payroll=payroll)
        .order_by()
        .values_list(
            "id",
            "household_id",
            "amount_fen",
            "payee_name",
            "bank_name",
            "account_enc",
            "household__number",
            "household__region_code",
            "kind",
        )
    )
    schema: dict[str, Any] = {
        "id": pl.Int64,
        "household_id": pl.Int64,
        "amount_fen": pl.Int64,
        "payee_name": pl.String,
        "bank_name": pl.String,
        "account_enc": pl.String,
        "household_number": pl.String,
        "region_code": pl.String,
        "kind": pl.String,
    }
    # Every column NOT NULL: read as CSV by COPY on PostgreSQL, the cheaper way for a million lines. In id
    # order, sorted here: the database would sort a million wide rows where Polars sorts one column.
    return read_frame(rows, schema, big=True).sort("id")


_FUND = pl.col("kind") == LineKind.INSURANCE.value


def payees(payroll: Payroll, frame: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(lines, households): every line of the payroll paid to a household's account (household_lines), and
    one row a household with its net amount and the account copied onto its first line, in the order of
    the file (village, household number). `frame`: the payroll's _lines, when already read."""
    frame = (_lines(payroll) if frame is None else frame).filter(~_FUND).drop("kind")
    lines = frame.drop("household_number", "region_code")
    # The payee and account of each household's first line (the lines come in id order), joined to the sums
    # of the numbers: cheaper than aggregating the text columns of a million groups.
    first = frame.unique("household_id", keep="first", maintain_order=True).drop("amount_fen", "id")
    sums = lines.group_by("household_id").agg(pl.col("amount_fen").sum(), pl.len().alias("line_count"))
    households = first.join(sums, on="household_id", how="left").select(
        "household_id", "amount_fen", "payee_name", "bank_name", "account_enc", "line_count",
        "household_number", "region_code",
    )  # fmt: skip
    return lines, households.sort("region_code", "household_number")


def _head_ids(payroll: Payroll, household_ids: list[int]) -> pl.DataFrame:
    ids = Subquery(PayrollLine.objects.filter(payroll=payroll).values("household_id"))
    rows = Person.objects.filter(household_id__in=ids, relation=Relation.SELF).values_list(
        "household_id", "id_number_enc"
    )
    frame = pl.DataFrame(list(rows), schema={"household_id": pl.Int64, "enc": pl.String}, orient="row")
    frame = frame.unique("household_id", keep="first")
    return pl.DataFrame({"household_id": household_ids}, schema={"household_id": pl.Int64}).join(
        frame, on="household_id", how="left", maintain_order="left"
    )


@dataclass(frozen=True)
class Rendered:
    filename: str
    data: bytes
    count: int
    total_fen: int
    settled: list[int]  # households whose lines net to zero: nothing to transfer
    fund_lines: list[int]  # the 资助参保 lines, transferred to the insurance fund in one sum


def records_frame(layout: Layout, payroll: Payroll, households: pl.DataFrame) -> pl.DataFrame:
    """One row a household to transfer to, every detail field as text, in file order."""
    paying = households.filter(pl.col("amount_fen") != 0)
    if paying.filter(pl.col("amount_fen") < 0).height:
        raise BankFileError(_("有家庭本月合计为负数，不能写入银行文件，请检查扣回明细"))
    missing = paying.filter(pl.col("account_enc") == "").height
    if missing:
        raise BankFileError(_("有%(n)s户没有银行账号，请先补录账号后重新生成发放批次") % {"n": missing})
    ids = paying["household_id"].to_list()
    id_numbers = (
        pii.decrypt_many([t or "" for t in _head_ids(payroll, ids)["enc"].to_list()])
        if "id_number" in {c.field for c in layout.columns}
        else [""] * len(ids)
    )
    # The one per-row step: the account is decrypted only into the file.
    accounts = pii.decrypt_many(paying["account_enc"].to_list())
    amount = pl.col("amount_fen")
    amount_text = (
        amount.cast(pl.String)
        if layout.amount == "fen"
        else (amount // 100).cast(pl.String) + "." + (amount % 100).cast(pl.String).str.zfill(2)
    )
    return paying.select(
        pl.int_range(1, pl.len() + 1).cast(pl.String).alias("seq"),
        reference_expr(payroll.pk),
        pl.col("household_number").fill_null(""),
        pl.col("payee_name"),
        pl.Series("id_number", id_numbers, dtype=pl.String),
        pl.col("bank_name"),
        pl.Series("account", accounts, dtype=pl.String),
        amount_text.alias("amount"),
        pl.lit(SUMMARY.format(month=payroll.month)).alias("summary"),
    )


def _byte_len(value: pl.Expr, encoding: str) -> pl.Expr:
    name = codecs.lookup(encoding).name
    if name == "gbk":  # one byte for ASCII, two for every other character GBK can carry
        return value.str.len_chars() + value.str.count_matches(r"[^\x00-\x7f]")
    if name.startswith("utf-8"):
        return value.str.len_bytes()
    return value.map_elements(lambda v: len(v.encode(encoding)), return_dtype=pl.UInt32)


def _fixed_body(layout: Layout, records: pl.DataFrame) -> str:
    """The detail records as one text, padded to byte widths in Polars (a Chinese name is two bytes a
    character in GBK); a value too long for its field is refused, never cut."""
    if records.height == 0:
        return ""
    enc = layout.encoding
    fields = [(f"_bytes{i}", col) for i, col in enumerate(layout.columns) if col.field]
    # Each field's length in bytes, measured once: checked against its width, then used to pad.
    sizes = records.select(_byte_len(pl.col(col.field), enc).alias(name) for name, col in fields)
    for (name, col), longest in zip(fields, sizes.max().row(0), strict=True):
        if longest > col.width:
            value = records.filter(sizes[name] > col.width)[col.field][0]
            fixed_cell(str(value), col, enc)  # raises with the message
    exprs = []
    for i, col in enumerate(layout.columns):
        if not col.field:  # a constant: padded once
            exprs.append(pl.lit(fixed_cell(col.value, col, enc).decode(enc)))
            continue
        value = pl.col(col.field)
        keep = pl.lit(col.width) - (pl.col(f"_bytes{i}") - value.str.len_chars())
        if col.align == "right":
            exprs.append(value.str.pad_start(col.width, col.pad).str.tail(keep))
        else:
            exprs.append(value.str.pad_end(col.width, col.pad).str.head(keep))
    body = pl.concat([records, sizes], how="horizontal").select(pl.concat_str(exprs).str.join("\r\n"))
    return str(body[0, 0]) + "\r\n"


def _fixed(layout: Layout, records: pl.DataFrame, context: dict[str, Any]) -> bytes:
    enc = layout.encoding

    def record(columns: Any) -> bytes:
        return b"".join(fixed_cell(cell_value(c, context), c, enc) for c in columns) + b"\r\n"

    head = record(layout.header) if layout.header else b""
    foot = record(layout.footer) if layout.footer else b""
    return head + _fixed_body(layout, records).encode(enc) + foot


def _safe(col: str) -> pl.Expr:
    """core.tabular.safe_cell over a column: a cell starting like a formula is prefixed with '."""
    value = pl.col(col)
    return pl.when(value.str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + value).otherwise(value).alias(col)


def _csv_rows(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[safe_cell(c) for c in row] for row in rows])
    return buf.getvalue()


def _csv(layout: Layout, records: pl.DataFrame, context: dict[str, Any]) -> bytes:
    head = [[batch_text(c, context) for c in row] for row in layout.preamble] + [[c.title for c in layout.columns]]
    foot = [[batch_text(c, context) for c in row] for row in layout.footer_rows]
    body = records.select([_safe(c.field).alias(f"c{i}") for i, c in enumerate(layout.columns)])
    text = body.write_csv(include_header=False, line_terminator="\r\n") if body.height else ""
    return (_csv_rows(head) + text + _csv_rows(foot)).encode(layout.encoding)


def _table_rows(layout: Layout, records: pl.DataFrame, context: dict[str, Any]) -> list[list[str]]:
    rows = [[batch_text(c, context) for c in row] for row in layout.preamble]
    rows.append([c.title for c in layout.columns])
    rows.extend([list(r) for r in records.select([pl.col(c.field) for c in layout.columns]).iter_rows()])
    rows.extend([batch_text(c, context) for c in row] for row in layout.footer_rows)
    return rows


def _xlsx(layout: Layout, rows: list[list[str]], day: dt.date) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    stamp = dt.datetime.combine(day, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    ws = wb.create_sheet(title=layout.sheet)
    for row in rows:
        # Amounts stay text ("123.45"): exact, as the bank reads them; never a float.
        ws.append([safe_cell(c) for c in row])
    raw = io.BytesIO()
    wb.save(raw)
    # The same payroll renders to the same bytes (its digest on the BankFile row): zip entries get the day.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving in it
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                    rb"\g<1>" + f"{day:%Y-%m-%d}T00:00:00Z".encode() + rb"\g<2>",
                    body,
                )
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)), body)
    return out.getvalue()


def render(layout: Layout, payroll: Payroll, *, day: dt.date) -> Rendered:
    """The file's bytes; the count and total it carries are checked against the payroll's before anything
    is handed out."""
    frame = _lines(payroll)
    fund = frame.filter(_FUND)
    lines, households = payees(payroll, frame)
    total = int(lines["amount_fen"].sum() or 0)
    fund_count, fund_fen = fund.height, int(fund["amount_fen"].sum() or 0)
    if lines.height + fund_count != payroll.line_count or total + fund_fen != payroll.total_fen:
        raise BankFileError(
            _("发放明细（%(n)s笔，%(t)s元）与批次合计（%(pn)s笔，%(pt)s元）不符，不能导出")
            % {
                "n": lines.height + fund_count,
                "t": fen_text(total + fund_fen, "yuan"),
                "pn": payroll.line_count,
                "pt": fen_text(payroll.total_fen, "yuan"),
            }
        )
    records = records_frame(layout, payroll, households)
    count = records.height
    context = {
        "batch": f"P{payroll.pk:08d}",
        "date": day,
        "count": count,
        "total": fen_text(total, layout.amount),
        "month": payroll.month,
        "region_code": payroll.region_code,
        "region_name": payroll.region.name,
        "payroll_id": payroll.pk,
    }
    try:
        if layout.format == "fixed":
            data = _fixed(layout, records, context)
        elif layout.format == "csv":
            data = _csv(layout, records, context)
        else:
            data = _xlsx(layout, _table_rows(layout, records, context), day)
    except UnicodeEncodeError as exc:
        raise BankFileError(
            _("“%(v)s”无法用%(e)s编码写入银行文件，请换用其他格式")
            % {"v": exc.object[exc.start : exc.end], "e": layout.encoding}
        ) from None
    settled = households.filter(pl.col("amount_fen") == 0)["household_id"].to_list()
    return Rendered(batch_text(layout.filename, context), data, count, total, settled, fund["id"].to_list())


@transaction.atomic
def bank_file_export(*, actor: User | None, payroll: Payroll, layout: str) -> tuple[BankFile, bytes]:
    """Write the bank file of an APPROVED payroll: the payroll becomes EXPORTED, a BankFile row keeps the
    layout, count, total and digest. Households whose lines net to zero (all recovered) need no transfer:
    their lines are settled here."""
    require_bank_capability(actor, payroll.region_code)
    chosen = layout_get(layout)
    payroll = Payroll.objects.select_for_update().select_related("region").get(pk=payroll.pk)
    if payroll.status != PayrollStatus.APPROVED:
        raise BankFileError(
            _("只有已审批的发放批次才能导出银行文件（本批次：%(s)s）") % {"s": payroll.get_status_display()}
        )
    day = timezone.localdate()
    rendered = render(chosen, payroll, day=day)
    bank_file = BankFile.objects.create(
        payroll=payroll,
        layout=chosen.name,
        filename=rendered.filename,
        line_count=rendered.count,
        total_fen=rendered.total_fen,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        created_by=actor,
    )
    for start in range(0, len(rendered.settled), 10_000):
        PayrollLine.objects.filter(payroll=payroll, household_id__in=rendered.settled[start : start + 10_000]).update(
            status=LineStatus.PAID
        )
    # 资助参保 is handed over with the payroll as one transfer to the insurance fund, not through the bank
    # file: nothing comes back for it in a return, so it is settled here.
    for start in range(0, len(rendered.fund_lines), 10_000):
        PayrollLine.objects.filter(payroll=payroll, pk__in=rendered.fund_lines[start : start + 10_000]).update(
            status=LineStatus.PAID
        )
    payroll.status = PayrollStatus.EXPORTED
    payroll.exported_at = timezone.now()
    payroll.save(update_fields=["status", "exported_at"])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="payroll",
        object_id=payroll.pk,
        region_code=payroll.region_code,
        summary=_("导出银行代发文件 %(f)s") % {"f": rendered.filename},
        after={"layout": chosen.name, "count": rendered.count, "total_fen": rendered.total_fen},
    )
    return bank_file, rendered.data


def bank_file_render(*, actor: User | None, bank_file: BankFile) -> bytes:
    """The file again (a lost download): rendered from the payroll's snapshot lines on the day it was made,
    and refused unless the bytes are the ones handed out then."""
    payroll = bank_file.payroll
    require_bank_capability(actor, payroll.region_code)
    day = timezone.localdate(bank_file.created_at)
    rendered = render(layout_get(bank_file.layout), payroll, day=day)
    if hashlib.sha256(rendered.data).hexdigest() != bank_file.sha256:
        raise BankFileError(_("发放明细在导出后已被改动，不能重新下载同一文件"))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="payroll",
        object_id=payroll.pk,
        region_code=payroll.region_code,
        summary=_("重新下载银行代发文件 %(f)s") % {"f": bank_file.filename},
    )
    return rendered.data
