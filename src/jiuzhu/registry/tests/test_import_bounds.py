"""Bounded imports (issue #11 item 7): a row limit with a clear message, reached while streaming the file; the
database's write lock held only for the inserts, not for the encryption and indexing before them."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.db import connection
from openpyxl import Workbook

from jiuzhu.core.tabular import TableError, read_table
from jiuzhu.registry import services as registry_services
from jiuzhu.registry.importer import household_import
from jiuzhu.registry.models import Household
from jiuzhu.registry.tests.test_importer import csv_bytes, family


def _xlsx(rows: int, *, far_cell: int | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号"])
    for i in range(rows):
        ws.append([f"某{i}", "x"])
    if far_cell:
        ws.cell(row=far_cell, column=1, value="远")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_xlsx_over_the_limit_is_refused_while_reading():
    with pytest.raises(TableError, match="10 行的上限"):
        read_table(_xlsx(50), "big.xlsx", max_rows=10)
    frame, _enc = read_table(_xlsx(10), "ok.xlsx", max_rows=10)
    assert frame.height == 10


def test_a_sheet_claiming_a_million_rows_is_read_without_expanding_it():
    frame, _enc = read_table(_xlsx(3, far_cell=1_000_000), "gap.xlsx", max_rows=10)
    assert frame.height == 4  # the three rows and the far cell; the blank rows between are not kept


def test_a_csv_over_the_limit_is_refused():
    data = b"a,b\n" + b"1,2\n" * 20
    with pytest.raises(TableError, match="上限"):
        read_table(data, "big.csv", max_rows=19)
    assert read_table(data, "ok.csv", max_rows=20)[0].height == 20


def test_the_import_refuses_a_file_over_the_setting_and_writes_nothing(county, caseworker_a, settings):
    settings.JIUZHU_IMPORT_MAX_ROWS = 5
    result = household_import(actor=caseworker_a, data=csv_bytes(family(2)), filename="roster.csv")
    assert not result.ok and "5 行的上限" in result.errors[0].message
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_encryption_and_indexing_happen_before_the_transaction_opens(county, caseworker_a):
    seen: list[bool] = []
    encrypt = registry_services._encrypt_column

    def watched(values):
        seen.append(connection.in_atomic_block)
        return encrypt(values)

    with mock.patch.object(registry_services, "_encrypt_column", watched):
        result = household_import(actor=caseworker_a, data=csv_bytes(family(3)), filename="roster.csv")
    assert result.ok and result.persons == 9
    assert seen and not any(seen)
