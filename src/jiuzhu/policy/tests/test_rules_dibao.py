import datetime as dt

import polars as pl
import pytest

from jiuzhu.policy.rules import ParameterError, evaluate, params_frame, resolve
from jiuzhu.policy.shipped import shipped_frame

DAY = dt.date(2025, 1, 1)


def _one(members, **household):
    hh = pl.DataFrame([{"household_id": 1, **household}])
    ps = pl.DataFrame([{"person_id": i, "household_id": 1, **m} for i, m in enumerate(members, 1)])
    return evaluate(hh, ps, shipped_frame(), date=DAY).households.row(0, named=True)


def test_the_explanation_reads_exactly_like_the_issue():
    row = _one(
        [
            {"birth_date": dt.date(1980, 1, 1), "income_wage": 104167},
            {"birth_date": dt.date(1982, 1, 1), "disability_kind": "physical", "disability_grade": 1},
            {"birth_date": dt.date(2000, 1, 1)},
        ],
        urban=True,
    )
    assert row["dibao_urban.monthly"] == 75300
    assert row["dibao_urban.explain"][-1] == (
        "家庭月人均收入 312.50 元 < 城市低保标准 528 元；差额 215.50 元 × 3 人 = 646.50 元；"
        "重度残疾 1 人加发 20% 标准 105.60 元；合计 752.10 元，按规定取整为 753 元"
    )


def test_a_household_without_members_is_not_eligible():
    hh = pl.DataFrame({"household_id": [1], "urban": [True]})
    ps = pl.DataFrame(schema={"person_id": pl.Int64, "household_id": pl.Int64, "birth_date": pl.Date})
    row = evaluate(hh, ps, shipped_frame(), date=DAY).households.row(0, named=True)
    assert row["class"] == "none" and row["dibao_urban.monthly"] == 0


def test_a_township_without_its_own_value_uses_the_county_value():
    params = pl.concat([
        shipped_frame(),
        params_frame([("330727", "dibao.standard.urban", "700", dt.date(2024, 6, 1)),
                      ("330727101", "dibao.standard.urban", "750", dt.date(2024, 6, 1))]),
    ])  # fmt: skip
    pairs = pl.DataFrame({"region": ["330727100001", "330727101201", "330800100001"], "date": [DAY] * 3})
    got = dict(resolve(pairs, params, ["dibao.standard.urban"]).select("region", "p:dibao.standard.urban").iter_rows())
    assert got == {"330727100001": 70000, "330727101201": 75000, "330800100001": 52800}


def test_each_household_uses_its_own_date():
    params = pl.concat([shipped_frame(), params_frame([("", "dibao.standard.urban", "600", DAY)])])
    hh = pl.DataFrame({"household_id": [1, 2], "urban": [True, True], "date": [DAY - dt.timedelta(days=1), DAY]})
    ps = pl.DataFrame({"person_id": [1, 2], "household_id": [1, 2], "birth_date": [dt.date(1990, 1, 1)] * 2})
    out = evaluate(hh, ps, params).households
    assert out["dibao_urban.monthly"].to_list() == [52800, 60000]


def test_a_region_without_a_value_is_named_in_the_error():
    params = shipped_frame().filter(pl.col("key") != "dibao.standard.rural")
    with pytest.raises(ParameterError, match=r"dibao\.standard\.rural"):
        _run = evaluate(pl.DataFrame({"household_id": [1]}), pl.DataFrame({"person_id": [1], "household_id": [1],
                        "birth_date": [dt.date(1990, 1, 1)]}), params, date=DAY)  # fmt: skip


def test_amounts_only_mode_gives_the_same_amounts():
    hh = pl.DataFrame({"household_id": [1, 2], "urban": [True, False]})
    ps = pl.DataFrame({"person_id": [1, 2, 3], "household_id": [1, 2, 2],
                       "birth_date": [dt.date(1940, 1, 1), dt.date(1980, 1, 1), dt.date(2012, 1, 1)]})  # fmt: skip
    full = evaluate(hh, ps, shipped_frame(), date=DAY).households
    lean = evaluate(hh, ps, shipped_frame(), date=DAY, explain=False).households
    monthly = [c for c in lean.columns if c.endswith(".monthly")]
    assert full.select(monthly).equals(lean.select(monthly))
