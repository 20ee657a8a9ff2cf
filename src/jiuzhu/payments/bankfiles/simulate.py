"""What the bank would send back for an exported payroll, in the layout's return format: for the demo and
the tests (a return with failures), never for real money."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone

from jiuzhu.payments.bankfiles.export import payees, records_frame
from jiuzhu.payments.bankfiles.layouts import Layout, cell_value, fen_text, fixed_cell, layout_get
from jiuzhu.payments.models import Payroll

FAILED_CODE = "E101"


def _fixed(layout: Layout, records: list[dict[str, Any]], context: dict[str, Any]) -> bytes:
    spec = layout.returns
    enc = spec.encoding or layout.encoding

    def record(columns: Any, values: dict[str, Any]) -> bytes:
        return b"".join(fixed_cell(cell_value(c, values), c, enc) for c in columns)

    out = [record(spec.header, context)] if spec.header else []
    out += [record(spec.columns, r) for r in records]
    if spec.footer:
        out.append(record(spec.footer, context))
    return b"".join(line + b"\r\n" for line in out)


def _table(layout: Layout, records: list[dict[str, Any]], context: dict[str, Any]) -> bytes:
    spec = layout.returns
    rows = [[c.title for c in spec.columns]]
    rows += [[cell_value(c, r) for c in spec.columns] for r in records]
    if spec.footer_label:
        rows.append([spec.footer_label if c.field == "reference" else "" for c in spec.columns])
        rows[-1][[c.field for c in spec.columns].index("amount")] = context["total"]
    if spec.format == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        return buf.getvalue().encode(spec.encoding or "utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bank_return_simulate(*, payroll: Payroll, layout: str, failures: dict[int, str] | None = None) -> bytes:
    """The return file of `payroll` in `layout`: every household paid but those in `failures`
    (household id → the bank's reason)."""
    chosen = layout_get(layout)
    failures = failures or {}
    households = payees(payroll)[1]
    records = records_frame(chosen, payroll, households).to_dicts()
    ids = households.filter(households["amount_fen"] != 0)["household_id"].to_list()
    for record, household_id in zip(records, ids, strict=True):
        reason = failures.get(household_id)
        record["result"] = FAILED_CODE if reason and chosen.returns.format == "fixed" else "失败" if reason else ""
        record["result"] = record["result"] or sorted(chosen.returns.success)[0]
        record["reason"] = reason or ""
    total = int(households["amount_fen"].sum() or 0)
    context = {
        "batch": f"P{payroll.pk:08d}",
        "date": timezone.localdate().strftime("%Y%m%d"),
        "count": len(records),
        "total": fen_text(total, chosen.amount),
    }
    return _fixed(chosen, records, context) if chosen.returns.format == "fixed" else _table(chosen, records, context)
