"""Importing external lists: mapping guessed and remembered, GBK and xlsx, bad rows reported, refusals."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from jiuzhu.matching.models import ColumnMapping, DataSet
from jiuzhu.matching.services.datasets import data_root, dataset_frame, dataset_import

GBK_DEATHS = (
    "死者姓名,公民身份号码,性别,火化日期,备注\n"
    "张三,330727195001011234,男,2024/03/05,\n"
    "李四,,女,2024年4月1日,\n"
    "王五,330727195001011234,男,不详,\n"
)


def test_a_gbk_csv_is_read_and_its_columns_guessed_from_their_headers(approver):
    ds = dataset_import(actor=approver, kind="deaths", source="县殡仪馆", data=GBK_DEATHS.encode("gbk"),
                        filename="火化名单.csv")  # fmt: skip
    assert ds.encoding == "gbk"
    assert ds.mapping == {"name": "死者姓名", "id_number": "公民身份号码", "gender": "性别", "death_date": "火化日期"}
    rows = dataset_frame(ds)
    assert rows["name"].to_list() == ["张三", "李四"]
    assert rows["death_date"].cast(pl.String).to_list() == ["2024-03-05", "2024-04-01"]
    assert rows["gender"].to_list() == ["M", "F"]
    # The bad row is not silently dropped: counted, and listed in a downloadable report.
    assert ds.bad_rows == 1
    report = data_root() / ds.report_path
    assert report.exists()
    from openpyxl import load_workbook

    cells = [tuple(r) for r in load_workbook(report).worksheets[0].iter_rows(values_only=True)]
    assert cells[1][0] == 4 and cells[1][1] == "火化日期" and cells[1][2] == "不详"


def test_the_same_file_twice_is_refused(approver):
    data = GBK_DEATHS.encode("gbk")
    dataset_import(actor=approver, kind="deaths", source="殡仪馆", data=data, filename="a.csv")
    with pytest.raises(ValidationError, match="已于"):
        dataset_import(actor=approver, kind="deaths", source="殡仪馆", data=data, filename="b.csv")
    assert DataSet.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\xff\xfe garbage \x81", "编码"),
        ("姓名,备注\n张三,x\n".encode(), "缺少必填列"),
        ("姓名,死亡日期\n".encode(), "没有数据行"),
        ("姓名,死亡日期\n张三,昨天\n".encode(), "没有一行数据可用"),
        (b"", "空"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message_and_nothing_stored(approver, data, message):
    with pytest.raises(ValidationError, match=message):
        dataset_import(actor=approver, kind="deaths", source="殡仪馆", data=data, filename="x.csv")
    assert DataSet.objects.count() == 0
    assert not data_root().exists() or not any(data_root().rglob("*.parquet"))


def test_a_file_over_the_row_limit_is_refused(approver, settings):
    settings.MATCHING_MAX_ROWS = 2
    with pytest.raises(ValidationError, match="上限"):
        dataset_import(actor=approver, kind="deaths", source="殡仪馆", data=GBK_DEATHS.encode("gbk"), filename="x.csv")


def test_an_xlsx_with_odd_headers_is_mapped_once_and_the_mapping_reused(approver):
    def xlsx(rows: list[list[object]]) -> bytes:
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    first = xlsx([["XM", "SFZ", "CP"], ["张三", "330727195001011234", "浙G1"]])
    with pytest.raises(ValidationError, match="缺少必填列"):
        dataset_import(actor=approver, kind="vehicles", source="车管所", data=first, filename="v.xlsx")
    mapping = {"name": "XM", "id_number": "SFZ", "plate": "CP"}
    dataset_import(actor=approver, kind="vehicles", source="车管所", data=first, filename="v.xlsx", mapping=mapping)
    assert ColumnMapping.objects.get(source="车管所", kind="vehicles").mapping == mapping
    second = xlsx([["XM", "SFZ", "CP"], ["李四", "", "浙G2"]])
    ds = dataset_import(actor=approver, kind="vehicles", source="车管所", data=second, filename="v2.xlsx")
    assert ds.mapping == mapping and ds.row_count == 1


def test_only_who_may_run_matching_imports(caseworker_a):
    with pytest.raises(PermissionDenied):
        dataset_import(actor=caseworker_a, kind="deaths", source="x", data=GBK_DEATHS.encode("gbk"), filename="x.csv")


def test_the_command_imports_and_refuses(approver, tmp_path: Path):
    path = tmp_path / "deaths.csv"
    path.write_bytes(GBK_DEATHS.encode("gbk"))
    out = io.StringIO()
    call_command("match", "import", "--kind", "deaths", str(path), "--source", "殡仪馆", stdout=out)
    assert "2 行" in out.getvalue() and "错误报告" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="已于"):
        call_command("match", "import", "--kind", "deaths", str(path), stdout=io.StringIO())


@settings(deadline=None)
@given(st.integers(min_value=-(10**11), max_value=10**11), st.sampled_from(["", "0", "00"]))
def test_money_cells_become_the_exact_number_of_fen(fen, pad):
    """Whatever yuan text a department writes (1, 1.5, 1.50), the stored fen are exact: no float on the way."""
    from jiuzhu.matching.services.datasets import parse_rows

    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    text = f"{sign}{yuan}" + (f".{cents:02d}" if cents or pad else "")
    if not cents and pad:
        text = f"{sign}{yuan}.{pad}"
    frame = pl.DataFrame({"姓名": ["张三"], "月领取金额": [text]})
    good, errors = parse_rows("pensions", frame, {"name": "姓名", "monthly_amount": "月领取金额"})
    assert errors == [] and good["monthly_amount"].to_list() == [fen]
