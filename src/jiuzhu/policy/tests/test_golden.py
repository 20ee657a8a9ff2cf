"""Every golden case in policy/golden/, one test each, named by file and case."""

from __future__ import annotations

import pytest

from jiuzhu.policy import rules
from jiuzhu.policy.calc import run
from jiuzhu.policy.rules.events import params_for
from jiuzhu.policy.tests.golden import DEFAULT_DATE, base_params, jsonable, load, monthly_files

MONTHLY = [pytest.param(case, id=f"{name[:-5]}: {case['name']}") for name in monthly_files() for case in load(name)]
EVENTS = [pytest.param(case, id=f"events: {case['name']}") for case in load("events.yaml")]


def test_every_monthly_programme_has_at_least_ten_golden_cases():
    counts = {name: len(load(name)) for name in monthly_files()}
    assert set(rules.MONTHLY_PROGRAMS) <= {n[:-5] for n in counts}
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
    args = dict(case["args"])
    for money in ("need", "self_paid", "paid_this_year", "deductible_met"):
        if money in args:
            args[money] = round(args[money] * 100)
    award = getattr(rules, case["function"])(params, **args)
    expect = case["expect"]
    assert award.amount == round(expect["monthly"] * 100), award.explain
    if "needs_county_approval" in expect:
        assert award.needs_county_approval == expect["needs_county_approval"]
    assert award.explain
