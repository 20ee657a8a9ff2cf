"""The exact stage and the normalisation of ID numbers (no database needed)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.core.idcard import IdNumberError, make_id_number, parse_id_number
from jiuzhu.matching.linkage import (
    PERSON_COLUMNS,
    LinkSettings,
    exact_pairs,
    link,
    link_exact,
    normalise_id_numbers,
    prepare,
)

N1 = make_id_number("330727", dt.date(1962, 3, 14), 7, male=True)
N2 = make_id_number("330727", dt.date(1975, 11, 2), 4, male=False)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def persons(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(PERSON_COLUMNS, pl.String))


def test_id_numbers_normalised_spaces_fullwidth_lowercase_and_15_digits() -> None:
    raw = pl.Series(
        [
            f" {N1[:6]} {N1[6:]} ",
            "".join(chr(0xFF10 + int(c)) for c in N1),  # full-width digits
            N1[:6] + N1[8:17],  # the same person's 15-digit number (born 19xx)
            N2[:17] + N2[17].lower(),
            "",
            None,
        ]
    )
    out = raw.to_frame("n").select(normalise_id_numbers(pl.col("n")))["n"].to_list()
    assert out[:3] == [N1, N1, N1]
    assert out[3] == N2[:17] + N2[17].upper()
    assert out[4:] == [None, None]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789Xx ", min_size=0, max_size=20))
def test_validity_agrees_with_core_idcard(raw: str) -> None:
    prepared = prepare(persons([{"id": "1", "id_number": raw}]))
    try:
        parsed = parse_id_number(raw, today=dt.date.today())
    except IdNumberError:
        assert prepared["id_valid"][0] is False
    else:
        assert prepared["id_valid"][0] is True
        assert prepared["id_number"][0] == parsed.number
        assert prepared["sex"][0] == parsed.sex


def test_prepare_fills_sex_and_birth_from_the_id_and_reads_committee_as_village() -> None:
    p = prepare(
        persons(
            [
                {"id": "a", "name": "张 伟", "id_number": N1, "address": "尖山镇管头村村委会"},
                {"id": "b", "name": "李玮", "id_number": "123", "gender": "女", "birth_date": "1975/11/02"},
            ]
        )
    )
    a, b = p.row(0, named=True), p.row(1, named=True)
    assert (a["name"], a["sex"], a["birth_date"], a["village"]) == ("张伟", "M", dt.date(1962, 3, 14), "管头村")
    assert a["name_pinyin"] == "zhang wei"
    assert (b["id_valid"], b["id_number"], b["sex"], b["birth_date"]) == (False, None, "F", dt.date(1975, 11, 2))
    assert b["given_pinyin"] == "wei"


def test_exact_links_valid_numbers_only_including_15_to_18() -> None:
    left = prepare(persons([{"id": "L1", "id_number": N1}, {"id": "L2", "id_number": "330727"}, {"id": "L3"}]))
    right = prepare(
        persons([{"id": "R1", "id_number": N1[:6] + N1[8:17]}, {"id": "R2", "id_number": "330727"}, {"id": "R3"}])
    )
    pairs = link_exact(left, right)
    assert pairs.columns == ["left_id", "right_id", "score", "method"]
    assert pairs.rows() == [("L1", "R1", 1.0, "id_exact")]


def test_a_15_digit_number_links_exactly_only_where_the_names_read_alike() -> None:
    legacy = N1[:6] + N1[8:17]
    left = prepare(persons([{"id": "L1", "name": "王建国", "id_number": N1}]))
    right = prepare(
        persons(
            [
                {"id": "R1", "name": "王建囯", "id_number": legacy},  # another character, read alike
                {"id": "R2", "name": "刘翠", "id_number": legacy},  # a typo made someone else's number
                {"id": "R3", "id_number": legacy},
            ]
        )
    )
    assert [p[:2] for p in link_exact(left, right).rows()] == [("L1", "R1"), ("L1", "R3")]


def test_link_exact_only_setting() -> None:
    left = prepare(persons([{"id": "L1", "id_number": N1}]))
    right = prepare(persons([{"id": "R1", "id_number": N1}, {"id": "R2", "id_number": N2}]))
    pairs = link(left, right, settings=LinkSettings(fuzzy=False))
    assert pairs.rows() == [("L1", "R1", 1.0, "id_exact")]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from([N1, N2, N1[:6] + N1[8:17], f" {N2[:17]}{N2[17].lower()}", N1[:17] + "0", "", "12345"]),
        max_size=6,
    ),
    st.lists(
        st.sampled_from([N1, N2, N1.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "x"]), max_size=6
    ),
)
def test_lazy_exact_pairs_agree_with_prepared_exact_link(left_numbers: list[str], right_numbers: list[str]) -> None:
    left = persons([{"id": f"L{i}", "id_number": n} for i, n in enumerate(left_numbers)])
    right = persons([{"id": f"R{i}", "id_number": n} for i, n in enumerate(right_numbers)])
    lazy = exact_pairs(left.lazy(), right.lazy()).collect().sort("left_id", "right_id")
    assert lazy.rows() == link_exact(prepare(left), prepare(right)).rows()
