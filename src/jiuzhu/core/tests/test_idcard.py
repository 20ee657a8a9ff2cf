import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.idcard import (
    IdNumberError,
    check_character,
    check_characters,
    make_id_number,
    parse_id_number,
    parse_id_numbers,
    upgrade_15,
)


def test_it_accepts_a_valid_number_and_derives_birth_and_sex():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.region_code == "110105"


def test_it_accepts_a_lower_case_x_and_spaces():
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_it_names_the_right_check_character_when_wrong():
    with pytest.raises(IdNumberError, match="校验码错误，应为X"):
        parse_id_number("110105194912310021")


def test_it_refuses_an_impossible_date():
    number = "33072719990230001"
    with pytest.raises(IdNumberError, match="不是有效日期"):
        parse_id_number(number + check_character(number))


def test_it_refuses_a_birth_date_in_the_future():
    number = "33072720990101001"
    with pytest.raises(IdNumberError, match="晚于今天"):
        parse_id_number(number + check_character(number), today=dt.date(2026, 1, 1))


def test_it_refuses_wrong_length_and_letters():
    with pytest.raises(IdNumberError, match="18位"):
        parse_id_number("1234")
    with pytest.raises(IdNumberError, match="只能包含数字"):
        parse_id_number("3307271990010100AX")


def test_it_upgrades_a_15_digit_number():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.upgraded_from == "110105491231002"
    assert upgrade_15("110105491231002") == "11010519491231002X"


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    seq=st.integers(0, 499),
    male=st.booleans(),
)
def test_made_numbers_always_parse_back(birth, seq, male):
    parsed = parse_id_number(make_id_number("330727", birth, seq, male=male))
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if male else "F")


@given(st.integers(0, 16), st.integers(1, 9))
def test_changing_any_digit_breaks_the_check(position, delta):
    number = make_id_number("330727", dt.date(1980, 6, 15), 17, male=True)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    try:
        parse_id_number(changed)
    except IdNumberError:
        return
    pytest.fail(f"{changed} should not pass")


# --- the column form agrees with the scalar form --------------------------------------------------------------

TODAY = dt.date(2025, 6, 30)


@st.composite
def cells(draw):
    """What a roster's ID cell may hold: valid numbers, their 15-digit form, a digit changed, and noise."""
    number = make_id_number(
        draw(st.sampled_from(["330727", "110105", "440305"])),
        draw(st.dates(min_value=dt.date(1870, 1, 1), max_value=dt.date(2030, 12, 31))),
        draw(st.integers(0, 499)),
        male=draw(st.booleans()),
    )
    kind = draw(st.sampled_from(["valid", "15", "changed", "lower_x", "noise"]))
    if kind == "15":
        return number[:6] + number[8:17]
    if kind == "changed":
        position = draw(st.integers(0, 17))
        return number[:position] + draw(st.sampled_from("0123456789X")) + number[position + 1 :]
    if kind == "lower_x":
        return " " + number[:17] + "x "
    if kind == "noise":
        return draw(st.text(alphabet="0123456789Xx ", max_size=20))
    return number


def _scalar(cell):
    try:
        parsed = parse_id_number(cell, today=TODAY)
    except IdNumberError:
        return None
    return parsed.number, parsed.sex, parsed.birth_date.isoformat(), parsed.upgraded_from is not None


@given(st.lists(cells(), min_size=1, max_size=40))
def test_the_column_form_agrees_with_parse_id_number(values):
    parsed = parse_id_numbers(pl.Series(values, dtype=pl.String), today=TODAY)
    # As text: a written year 0000 is a date to Polars but not to Python.
    parsed = parsed.with_columns(pl.col("birth_date").cast(pl.String))
    for cell, row in zip(values, parsed.iter_rows(named=True), strict=True):
        expected = _scalar(cell)
        assert row["valid"] == (expected is not None), cell
        if expected is not None:
            assert (row["number"], row["sex"], row["birth_date"], row["upgraded"]) == expected, cell
        else:
            assert row["number"] is None and row["sex"] is None, cell


@given(st.lists(st.integers(10**16, 10**17 - 1), min_size=1, max_size=40))
def test_check_characters_agree_with_check_character(numbers):
    column = check_characters(pl.Series(numbers, dtype=pl.Int64))
    assert column.to_list() == [check_character(str(n)) for n in numbers]


def test_the_column_form_keeps_the_written_birth_date_of_an_invalid_number():
    number = make_id_number("330727", dt.date(1980, 6, 15), 17, male=True)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    parsed = parse_id_numbers(pl.Series([wrong, ""]), today=TODAY)
    assert parsed["valid"].to_list() == [False, False]
    assert parsed["birth_date"].to_list() == [dt.date(1980, 6, 15), None]
