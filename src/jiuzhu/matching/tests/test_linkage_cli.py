"""`jiuzhu match link`: the contract other tools rely on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from jiuzhu.core.idcard import make_id_number

HEADER = "id,name,id_number,gender,birth_date,address"
N1 = make_id_number("330727", dt.date(1962, 3, 14), 7, male=True)
N2 = make_id_number("330727", dt.date(1975, 11, 2), 4, male=False)


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode(encoding))
    return path


def run(left: Path, right: Path, out: Path, *args: str) -> pl.DataFrame:
    call_command("match", "link", str(left), str(right), "--out", str(out), *args)
    return pl.read_csv(out, schema_overrides={"left_id": pl.String, "right_id": pl.String})


def test_contract_columns_and_15_digit_number_linked_to_18(tmp_path: Path) -> None:
    left = write(tmp_path / "l.csv", [f"1,王建国,{N1},男,1962-03-14,管头村", f"2,李秀英,{N2},女,1975-11-02,"])
    right = write(tmp_path / "r.csv", [f"9,王建国,{N1[:6] + N1[8:17]},,,"])
    pairs = run(left, right, tmp_path / "p.csv")
    assert pairs.columns == ["left_id", "right_id", "score", "method"]
    assert pairs.rows() == [("1", "9", 1.0, "id_exact")]


def test_gbk_input(tmp_path: Path) -> None:
    left = write(tmp_path / "l.csv", [f"1,王建国,{N1},男,1962-03-14,尖山镇管头村村委会"], encoding="gbk")
    right = write(tmp_path / "r.csv", [f"A,王建国,{N1},男,1962-03-14,"], encoding="gbk")
    assert run(left, right, tmp_path / "p.csv").rows() == [("1", "A", 1.0, "id_exact")]


def test_missing_file_refused(tmp_path: Path) -> None:
    right = write(tmp_path / "r.csv", [])
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("match", "link", str(tmp_path / "none.csv"), str(right), "--out", str(tmp_path / "p.csv"))


def test_missing_columns_refused(tmp_path: Path) -> None:
    left = tmp_path / "l.csv"
    left.write_text("id,name\n1,王建国\n", encoding="utf-8")
    right = write(tmp_path / "r.csv", [])
    with pytest.raises(CommandError, match="缺少列：id_number, gender, birth_date, address"):
        call_command("match", "link", str(left), str(right), "--out", str(tmp_path / "p.csv"))
    assert not (tmp_path / "p.csv").exists()


def test_duplicate_ids_refused(tmp_path: Path) -> None:
    left = write(tmp_path / "l.csv", ["1,王建国,,,,", "1,李秀英,,,,"])
    right = write(tmp_path / "r.csv", [])
    with pytest.raises(CommandError, match="id 重复：1"):
        call_command("match", "link", str(left), str(right), "--out", str(tmp_path / "p.csv"))


def test_undecodable_file_refused(tmp_path: Path) -> None:
    left = tmp_path / "l.csv"
    left.write_bytes(b"\xff\xfe\x00\x81\xff" * 10)
    right = write(tmp_path / "r.csv", [])
    with pytest.raises(CommandError, match="无法识别文件编码"):
        call_command("match", "link", str(left), str(right), "--out", str(tmp_path / "p.csv"))


def test_xlsx_input(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    ws.append(["1", "王建国", N1, "男", "1962-03-14", "管头村"])
    wb.save(tmp_path / "l.xlsx")
    right = write(tmp_path / "r.csv", [f"R,王建国,{N1.lower()},,,"])
    assert run(tmp_path / "l.xlsx", right, tmp_path / "p.csv", "--exact-only").rows() == [("1", "R", 1.0, "id_exact")]
