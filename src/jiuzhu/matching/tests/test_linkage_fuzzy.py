"""The fuzzy stage (Splink on DuckDB): planted errors found, near misses left alone, through the library and
through `jiuzhu match link`."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from jiuzhu.core.idcard import make_id_number
from jiuzhu.matching.linkage import PERSON_COLUMNS, LinkSettings, link, prepare

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["建国", "秀英", "志强", "桂兰", "海燕", "明辉", "丽华", "国平", "玉梅", "文斌", "春生", "小红"]


def background(prefix: str, n: int, offset: int) -> list[list[str]]:
    """n persons who match nobody on the other side: other birth dates (offset) and ID numbers."""
    rows = []
    for i, (s, g) in enumerate(itertools.islice(itertools.product(SURNAMES, GIVEN), n)):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=97 * i + offset)
        male = i % 2 == 0
        number = make_id_number("330727", birth, 100 + i, male=male)
        rows.append([f"{prefix}{i}", s + g, number, "男" if male else "女", birth.isoformat(), f"村{i % 7}村"])
    return rows


BIRTH = dt.date(1968, 4, 9)
PLANTED = make_id_number("330727", BIRTH, 12, male=True)
TWIN = make_id_number("330727", BIRTH, 13, male=True)
TYPO = PLANTED[:9] + str((int(PLANTED[9]) + 3) % 10) + PLANTED[10:]  # one digit mistyped: fails its check
SWAP = PLANTED[:12] + PLANTED[13] + PLANTED[12] + PLANTED[14:]  # two digits transposed


def frames(left_rows: list[list[str]], right_rows: list[list[str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    left = pl.DataFrame(left_rows + background("BL", 100, 0), schema=PERSON_COLUMNS, orient="row")
    right = pl.DataFrame(right_rows + background("BR", 100, 45), schema=PERSON_COLUMNS, orient="row")
    return prepare(left), prepare(right)


def pairs_of(pairs: pl.DataFrame) -> set[tuple[str, str]]:
    return {(a, b) for a, b in pairs.select("left_id", "right_id").iter_rows()}


def test_typo_homophone_and_swapped_birth_date_found() -> None:
    left, right = frames(
        [["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "尖山镇管头村"]],
        [["R1", "郑玮明", TYPO, "", "1968-09-04", "管头村村委会"]],
    )
    pairs = link(left, right, settings=LinkSettings())
    assert pairs_of(pairs) == {("L1", "R1")}
    assert pairs.row(0, named=True)["method"] == "fuzzy"
    assert pairs.row(0, named=True)["score"] >= 0.9


def test_transposed_digits_and_missing_number_found() -> None:
    left, right = frames(
        [
            ["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"],
            ["L2", "钱秀珍", make_id_number("330727", dt.date(1951, 2, 3), 40, male=False), "女", "", "上坑村"],
        ],
        [["R1", "郑伟明", SWAP, "男", "", ""], ["R2", "钱秀珍", "", "女", "1951-02-03", "上坑村民委员会"]],
    )
    assert pairs_of(link(left, right, settings=LinkSettings())) == {("L1", "R1"), ("L2", "R2")}


def test_same_name_different_person_not_linked() -> None:
    other = make_id_number("330727", dt.date(1975, 10, 21), 3, male=True)
    left, right = frames(
        [["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"]],
        [["R1", "郑伟明", other, "男", "1975-10-21", "上坑村"]],
    )
    assert link(left, right, settings=LinkSettings()).is_empty()


def test_twin_not_linked_to_the_other_twin() -> None:
    left, right = frames(
        [["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"]],
        [["R1", "郑伟亮", TWIN, "男", BIRTH.isoformat(), "管头村"]],
    )
    assert link(left, right, settings=LinkSettings()).is_empty()


def test_threshold_is_a_setting() -> None:
    left, right = frames(
        [["L1", "郑伟明", "", "男", BIRTH.isoformat(), ""]],
        [["R1", "郑伟明", "", "", BIRTH.isoformat(), ""]],
    )
    loose = link(left, right, settings=LinkSettings(threshold=0.5))
    strict = link(left, right, settings=LinkSettings(threshold=0.999999))
    assert len(loose) >= len(strict)
    assert all(s >= 0.999999 for s in strict["score"])


def test_deterministic() -> None:
    left, right = frames(
        [["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"]],
        [["R1", "郑玮明", TYPO, "", "1968-09-04", "管头村村委会"]],
    )
    assert link(left, right).equals(link(left, right))


def test_cli_finds_a_planted_typo_pair_and_leaves_a_near_miss(tmp_path: Path) -> None:
    left = pl.DataFrame(
        [
            ["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "尖山镇管头村"],
            ["L2", "冯建华", make_id_number("330727", dt.date(1959, 6, 30), 5, male=True), "男", "", "上坑村"],
            *background("BL", 100, 0),
        ],
        schema=PERSON_COLUMNS,
        orient="row",
    )
    right = pl.DataFrame(
        [
            ["R1", "郑玮明", TYPO, "男", "1968-09-04", "管头村村委会"],
            ["R2", "冯建华", make_id_number("330727", dt.date(1983, 1, 12), 8, male=True), "男", "", "下溪村"],
            *background("BR", 100, 45),
        ],
        schema=PERSON_COLUMNS,
        orient="row",
    )
    left.write_csv(tmp_path / "l.csv")
    right.write_csv(tmp_path / "r.csv", quote_style="necessary")
    (tmp_path / "r_gbk.csv").write_bytes((tmp_path / "r.csv").read_text(encoding="utf-8").encode("gbk"))
    out = str(tmp_path / "p.csv")
    call_command("match", "link", str(tmp_path / "l.csv"), str(tmp_path / "r_gbk.csv"), "--out", out)
    pairs = pl.read_csv(tmp_path / "p.csv", schema_overrides={"left_id": pl.String, "right_id": pl.String})
    assert ("L1", "R1") in pairs_of(pairs)
    assert not {p for p in pairs_of(pairs) if p[0] == "L2" or p[1] == "R2"}
    assert pairs.filter(pl.col("left_id") == "L1")["method"].to_list() == ["fuzzy"]


@pytest.mark.parametrize("backend", ["duckdb"])
def test_exact_pairs_take_no_fuzzy_link(backend: str) -> None:
    left, right = frames(
        [["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"]],
        [
            ["R1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "管头村"],
            ["R2", "郑伟明", "", "男", BIRTH.isoformat(), ""],
        ],
    )
    pairs = link(left, right, settings=LinkSettings(backend=backend))  # type: ignore[arg-type]
    assert pairs.select("left_id", "right_id", "method").rows() == [("L1", "R1", "id_exact")]
