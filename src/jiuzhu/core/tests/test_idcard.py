import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.idcard import IdNumberError, check_character, make_id_number, parse_id_number, upgrade_15


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
