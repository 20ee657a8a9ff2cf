"""core.bulk's raw reads and the large-insert path, on the payroll's own tables."""

import datetime as dt

import polars as pl
import pytest
from django.db import connection

from jiuzhu.core import bulk
from jiuzhu.payments.models import Entitlement, PayrollLine

from .test_payroll import DEC, generate


def test_read_frame_gives_the_orm_values_typed(county, paying):
    qs = Entitlement.objects.order_by("id").values_list("id", "program", "start_month", "gradual_exit", "end_month")
    schema = {"id": pl.Int64, "program": pl.String, "start": pl.Date, "gradual": pl.Boolean, "end": pl.Date}
    frame = bulk.read_frame(qs, schema)
    assert frame.schema == pl.Schema(schema)
    assert frame.rows() == list(qs)
    assert bulk.read_frame(Entitlement.objects.filter(pk__in=[]).values_list("id"), {"id": pl.Int64}).height == 0
    with pytest.raises(ValueError, match="not"):
        bulk.read_frame(Entitlement.objects.values_list("monthly_amount"), {"m": pl.Decimal(12, 2)})


def test_a_large_insert_restores_the_page_cache(county, paying, approver, monkeypatch):
    def settings() -> tuple[int, int | None]:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            cache = int(cur.fetchone()[0])
            cur.execute("PRAGMA mmap_size")
            mapped = cur.fetchone()  # none for an in-memory database
            return cache, None if mapped is None else int(mapped[0])

    before = settings() if connection.vendor == "sqlite" else (0, 0)
    monkeypatch.setattr(bulk, "_BIG_INSERT", 1)
    payroll = generate(approver, county)
    assert payroll.line_count == PayrollLine.objects.filter(payroll=payroll).count() == 5
    assert {ln.service_month for ln in payroll.lines.all()} == {DEC} and isinstance(DEC, dt.date)
    if connection.vendor == "sqlite":
        assert settings() == before
        with bulk.big_write_cache():
            assert settings() != before
        assert settings() == before


def test_a_big_read_comes_whole_in_chunks(county, paying, approver, monkeypatch):
    """A read larger than a chunk (on SQLite read chunk by chunk, from the mapped file) gives every row."""
    generate(approver, county)
    monkeypatch.setattr(bulk, "_CHUNK", 2)
    qs = PayrollLine.objects.order_by("id").values_list("id", "service_month", "payee_name")
    schema = {"id": pl.Int64, "month": pl.Date, "payee": pl.String}
    for big in (False, True):
        frame = bulk.read_frame(qs, schema, big=big)
        assert frame.schema == pl.Schema(schema)
        assert frame.rows() == list(qs) and frame.height == 5


def test_read_frame_reads_text_exactly(county, paying, approver):
    """The CSV of COPY … TO STDOUT (PostgreSQL; elsewhere the ordinary read) gives back what the rows hold:
    commas, quotes, line breaks, a backslash-N, empty text and Chinese."""
    payroll = generate(approver, county)
    notes = ['a,b "c"', "line\nbreak", "\\N", "", "王建国，扣回"]
    for line, note in zip(payroll.lines.order_by("id"), notes, strict=True):
        PayrollLine.objects.filter(pk=line.pk).update(note=note)
    qs = payroll.lines.order_by("id").values_list("id", "household_id", "note", "payee_name", "amount_fen")
    schema = {"id": pl.Int64, "household_id": pl.Int64, "note": pl.String, "payee": pl.String, "fen": pl.Int64}
    frame = bulk.read_frame(qs, schema)
    assert frame.rows() == list(qs)
    assert frame["note"].to_list() == notes
    assert bulk.read_frame(qs.filter(pk=-1), schema).height == 0
    months = Entitlement.objects.order_by("id").values_list("start_month", "end_month", "program")
    assert bulk.read_frame(months, {"s": pl.Date, "e": pl.Date, "p": pl.String}).rows() == list(months)  # NULLs


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's")
def test_a_copy_read_gives_every_row_and_an_error_midway_is_raised(county, paying, approver):
    """The COPY's rows are taken from libpq directly (core.bulk._drain_copy): every one of many thousands,
    in order; an error the server meets after sending rows is raised as Django's error, the connection left
    usable after its savepoint; and Django's query log records the read."""
    from django.db import DataError, transaction
    from django.db.models.expressions import RawSQL

    generate(approver, county)
    # Many rows from a queryset: each payroll line repeated by generate_series on the server.
    n = 60_000
    qs = (
        PayrollLine.objects.order_by("id")
        .annotate(k=RawSQL("generate_series(1, %s)", [n]))
        .values_list("id", "k", "payee_name")
    )
    frame = bulk.read_frame(qs, {"id": pl.Int64, "k": pl.Int64, "payee": pl.String})
    assert frame.height == 5 * n and frame.rows()[:3] == list(qs[:3])
    assert frame["k"].sum() == 5 * n * (n + 1) // 2
    broken = (
        PayrollLine.objects.order_by("id")
        .annotate(k=RawSQL("generate_series(1, %s)", [n]), q=RawSQL("1 / (generate_series(1, %s) - %s)", [n, n - 5]))
        .values_list("id", "q")
    )
    with pytest.raises(DataError), transaction.atomic():
        bulk.read_frame(broken, {"id": pl.Int64, "q": pl.Int64})
    assert bulk.read_frame(PayrollLine.objects.values_list("id"), {"id": pl.Int64}).height == 5


def test_the_database_turns_yuan_into_the_same_fen(county, paying):
    """core.money.FenOf, the yuan → fen of the bulk reads (a cast alone on PostgreSQL, ROUND then CAST on
    SQLite), agrees with yuan_to_fen at both ends of the column's range and on both sides of zero."""
    from decimal import Decimal

    from jiuzhu.core.money import FenOf, yuan_to_fen

    values = ["0.01", "528.00", "1234.56", "-17.05", "9999999999.99", "-9999999999.99", "0.00", "0.50"]
    ids = list(Entitlement.objects.order_by("id").values_list("id", flat=True))
    for pk, value in zip(ids * len(values), values, strict=False):
        Entitlement.objects.filter(pk=pk).update(monthly_amount=Decimal(value))
        got = Entitlement.objects.filter(pk=pk).annotate(fen=FenOf("monthly_amount")).values_list("fen", flat=True)
        assert got.get() == yuan_to_fen(Decimal(value)), value
        qs = Entitlement.objects.filter(pk=pk).annotate(fen=FenOf("monthly_amount")).values_list("fen")
        assert bulk.read_frame(qs, {"fen": pl.Int64})["fen"].to_list() == [yuan_to_fen(Decimal(value))]
