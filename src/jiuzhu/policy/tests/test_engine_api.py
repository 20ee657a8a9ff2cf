"""The engine's contract beyond the rules: choosing programmes, and what it does with odd input."""

import datetime as dt

import polars as pl
import pytest

from jiuzhu.policy.rules import MONTHLY_PROGRAMS, evaluate
from jiuzhu.policy.shipped import shipped_frame
from jiuzhu.policy.tests.test_properties import big_batch

DAY = dt.date(2025, 1, 1)
PARAMS = shipped_frame()


@pytest.fixture(scope="module")
def sample() -> tuple[pl.DataFrame, pl.DataFrame]:
    hh, ps = big_batch()
    return hh.head(5_000), ps.filter(pl.col("household_id") < 10_000)


def test_the_dibao_programmes_alone_give_what_the_full_run_gives(sample):
    hh, ps = sample
    full = evaluate(hh, ps, PARAMS, date=DAY, explain=True)
    dibao = evaluate(hh, ps, PARAMS, date=DAY, explain=True, programs=["dibao_urban", "dibao_rural"])
    assert [c for c in dibao.households.columns if "." in c] == [
        f"{code}.{part}"
        for code in ("dibao_urban", "dibao_rural")
        for part in ("eligible", "monthly", "persons", "explain")
    ]
    assert dibao.households.equals(full.households.select(dibao.households.columns))
    assert dibao.households["dibao_urban.monthly"].sum() > 0
    assert not any(c.startswith("a:") for c in dibao.persons.columns)


def test_one_person_programme_alone_gives_what_the_full_run_gives(sample):
    hh, ps = sample
    full = evaluate(hh, ps, PARAMS, date=DAY, explain=False).households
    gaoling = evaluate(hh, ps, PARAMS, date=DAY, explain=False, programs=["gaoling"]).households
    assert "gaoling.monthly" in gaoling.columns and "dibao_urban.monthly" not in gaoling.columns
    assert gaoling.equals(full.select(gaoling.columns))
    assert gaoling["gaoling.monthly"].sum() > 0


def test_an_unknown_programme_is_refused():
    hh, ps = big_batch()
    with pytest.raises(ValueError, match="unknown monthly programmes"):
        evaluate(hh.head(1), ps.head(0), PARAMS, date=DAY, programs=["dibao", "gaoling"])


def test_a_household_id_given_twice_is_refused():
    hh, ps = big_batch()
    twice = pl.concat([hh.head(3), hh.head(1)])
    with pytest.raises(ValueError, match="unique"):
        evaluate(twice, ps.filter(pl.col("household_id") < 6), PARAMS, date=DAY)


def test_persons_of_households_not_given_are_left_out_and_empty_households_count_nobody():
    hh, ps = big_batch()
    given = hh.head(3).with_columns(household_id=pl.Series([0, 2, 999_999_999]))  # the last has nobody
    out = evaluate(given, ps.filter(pl.col("household_id") < 20), PARAMS, date=DAY).households
    assert out["household_id"].to_list() == [0, 2, 999_999_999]
    members = (
        ps.filter(pl.col("household_id") < 4)
        .group_by("household_id")
        .agg((pl.col("alive") & ~pl.col("excluded")).sum())
    )
    assert out["members"][2] == 0
    assert out["class"][2] == "none"
    assert all(out[f"{code}.monthly"][2] == 0 for code in MONTHLY_PROGRAMS)
    assert out["members"][0] <= dict(members.iter_rows()).get(0, 0)
