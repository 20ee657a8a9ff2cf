"""Every golden case in policy/golden/, one test each, named by programme and case. The loading and the
comparison live in policy/casebook.py, which the 规则测试用例 pages share."""

from __future__ import annotations

from collections import Counter

import pytest

from jiuzhu.policy import rules
from jiuzhu.policy.casebook import event_files, load, monthly_files, run_event, run_monthly

MONTHLY = [pytest.param(case, id=f"{name[:-5]}: {case['name']}") for name in monthly_files() for case in load(name)]
EVENTS = [pytest.param(case, id=f"{case['program']}: {case['name']}") for name in event_files() for case in load(name)]


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
    _result, outcome = run_monthly(case)
    assert outcome.passed, [*outcome.problems, *outcome.explain]


@pytest.mark.parametrize("case", EVENTS)
def test_event_golden_case(case):
    _award, outcome = run_event(case)
    assert outcome.passed, [*outcome.problems, *outcome.explain]


def test_a_wrong_expectation_is_reported_with_what_differs():
    case = dict(load("dibao_urban.yaml")[0])
    case["expect"] = dict(case["expect"], monthly=case["expect"]["monthly"] + 1, explain_contains=["不存在的说明"])
    _result, outcome = run_monthly(case)
    assert not outcome.passed
    assert any(p.startswith("monthly:") for p in outcome.problems)
    assert any("不存在的说明" in p for p in outcome.problems)
    event = dict(load("events/weiwen.yaml")[0])
    event["expect"] = dict(event["expect"], eligible=not event["expect"]["eligible"])
    assert run_event(event)[1].problems[0].startswith("eligible:")
