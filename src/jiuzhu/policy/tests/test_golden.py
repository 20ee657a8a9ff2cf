"""Every golden case in policy/golden/, one test each, named by programme and case."""

from __future__ import annotations

from collections import Counter

import pytest

from jiuzhu.policy import rules
from jiuzhu.policy.calc import run
from jiuzhu.policy.rules.events import params_for
from jiuzhu.policy.tests.golden import DEFAULT_DATE, base_params, event_files, fen, jsonable, load, monthly_files

MONTHLY = [pytest.param(case, id=f"{name[:-5]}: {case['name']}") for name in monthly_files() for case in load(name)]
EVENTS = [pytest.param(case, id=f"{case['program']}: {case['name']}") for name in event_files() for case in load(name)]
# Arguments of the event functions that are amounts of money, in 元 in the YAML and fen in the engine.
MONEY_ARGS = ("need", "self_paid", "paid_this_year", "deductible_met")


def test_every_monthly_programme_has_at_least_ten_golden_cases():
    counts = {name: len(load(name)) for name in monthly_files()}
    assert set(rules.MONTHLY_PROGRAMS) <= {n[:-5] for n in counts}
    assert all(n >= 10 for n in counts.values()), counts


def test_every_one_off_programme_has_at_least_ten_golden_cases():
    counts = Counter(case["program"] for name in event_files() for case in load(name))
    one_off = set(rules.PROGRAMS_BY_CODE) - set(rules.MONTHLY_PROGRAMS)
    assert one_off == {"linshi", "yiliao", "jiage_butie", "weiwen"}
    assert set(counts) == one_off, counts
    assert all(n >= 10 for n in counts.values()), counts


@pytest.mark.parametrize("case", MONTHLY)
def test_monthly_golden_case(case):
    date = case.get("date", DEFAULT_DATE)
    data = {"date": date.isoformat(), "households": [jsonable(dict(case["household"], id="H"))]}
    result = run(data, base=base_params(case))["households"][0]
    expect, got = case["expect"], result["programs"][case["program"]]
    if "class" in expect:
        assert result["class"] == expect["class"]
    if "per_capita_income" in expect:
        assert result["per_capita_income"] == expect["per_capita_income"]
    assert got["eligible"] == expect["eligible"], got["explain"]
    assert got["monthly"] == expect["monthly"], got["explain"]
    if "persons" in expect:
        assert got["persons"] == expect["persons"]
    for text in expect.get("explain_contains", []):
        assert any(text in line for line in got["explain"]), got["explain"]


@pytest.mark.parametrize("case", EVENTS)
def test_event_golden_case(case):
    params = params_for(base_params(case), date=case.get("date", DEFAULT_DATE))
    args = {k: fen(v) if k in MONEY_ARGS else v for k, v in case["args"].items()}
    award = getattr(rules, case["function"])(params, **args)
    expect = case["expect"]
    assert award.amount == fen(expect["amount"]), award.explain
    assert award.eligible == expect["eligible"], award.explain
    assert award.needs_county_approval == expect.get("needs_county_approval", False), award.explain
    assert award.explain
    if "explain" in expect:
        assert award.explain == expect["explain"]
