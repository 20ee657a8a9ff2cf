"""The roster's parsers, one per column kind: what each reads, and what it says about a cell it cannot."""

import datetime as dt
import typing

import polars as pl

from jiuzhu.conftest import id_for
from jiuzhu.registry.importer.columns import BY_KEY, COLUMNS, Kind
from jiuzhu.registry.importer.parsing import PARSERS, Errors, parse_cells


def parse(key, *cells):
    """(values, [(row, message)]) for one column's cells."""
    column = BY_KEY[key]
    frame = pl.DataFrame({key: list(cells)}, schema={key: pl.String}).with_row_index("_row", offset=2)
    errors = Errors()
    parsed = parse_cells(frame, errors, (column,))
    return parsed[column.parsed].to_list(), [(e.row, e.message) for e in errors.rows()]


def test_every_kind_has_a_parser_and_every_column_a_kind():
    assert set(PARSERS) == set(typing.get_args(Kind))
    assert {c.kind for c in COLUMNS} <= set(PARSERS)


def test_money_takes_commas_and_two_decimals_and_refuses_the_rest():
    values, errors = parse("income_wage", "1,200.5", "", "3", "-1", "1.234")
    assert values == ["1200.50", "0.00", "3.00", None, None]
    assert errors == [(5, "应为不小于0的金额，最多两位小数"), (6, "应为不小于0的金额，最多两位小数")]


def test_an_integer_column_has_its_own_maximum():
    values, errors = parse("adl_impossible", "2.0", "", "7")
    assert values == [2, 0, 7]
    assert errors == [(4, "应为 0 至 6 的整数")]
    assert parse("vehicles", "7")[1] == []


def test_flags_dates_grades_and_sexes_accept_what_clerks_write():
    assert parse("student", "√", "否", "", "也许") == ([True, False, False, None], [(5, "应为“是”或“否”")])
    assert parse("date_of_death", "2025年3月1日", "2025/3/1", "20250301", "")[0] == [dt.date(2025, 3, 1)] * 3 + [None]
    assert parse("disability_grade", "三级", "2", "五")[1] == [(4, "残疾等级应为 1、2、3 或 4")]
    assert parse("sex", "男", "f", "")[0] == ["M", "F", None]


def test_choices_take_synonyms_and_a_blank_person_cell_takes_the_default():
    values, errors = parse("relation", "妻", "户主", "邻居")
    assert values == ["spouse", "self", None]
    assert errors[0][0] == 4 and errors[0][1].startswith("应为以下之一：")
    assert parse("labor", "")[0] == ["full"]


def test_text_is_limited_and_a_required_name_must_be_given():
    assert parse("name", "陈国强", "", "陈" * 51)[1] == [(3, "姓名不能为空"), (4, "不能超过 50 个字")]


def test_an_id_number_says_what_is_wrong_in_parse_id_number_words():
    good = id_for(dt.date(1960, 1, 1))
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    values, errors = parse("id_number", good, wrong, "")
    assert values == [good, None, None]
    assert [row for row, _message in errors] == [3, 4]
    assert errors[0][1].startswith("校验码错误") and errors[1][1] == "身份证号不能为空"


def test_phones_and_accounts_are_checked_without_spaces_and_dashes():
    assert parse("phone", "139-0000 1111", "12ab")[1] == [(3, "联系电话应为7至12位数字")]
    assert parse("bank_account", "6230 9100 0000 0000 001", "123")[1] == [(3, "银行账号应为12至30位数字")]
