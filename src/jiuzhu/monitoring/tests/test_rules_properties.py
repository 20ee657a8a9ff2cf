"""Invariants of the monitoring rules over arbitrary households (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.monitoring import rules
from jiuzhu.monitoring.tests.test_rules_golden import facts_frame

money = st.integers(min_value=0, max_value=20_000)
households = st.fixed_dictionaries(
    {
        "members": st.integers(min_value=0, max_value=6),
        "full_labor": st.integers(min_value=0, max_value=3),
        "partial_labor": st.integers(min_value=0, max_value=3),
        "disabled": st.booleans(),
        "ill": st.booleans(),
        "student": st.booleans(),
        "unemployed": st.booleans(),
        "gross": money,
        "earned": money,
        "rigid": money,
        "aid": money,
        "recorded_factors": st.sampled_from(["", "disaster", "income_drop", "employment", "business,accident"]),
        "class": st.sampled_from(["none", "edge", "dibao"]),
        "dibao": st.booleans(),
        "tekun": st.booleans(),
    }
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households)
def test_levels_follow_the_definitions(h: dict[str, Any]) -> None:
    facts = facts_frame(h, {})
    row = rules.warning_level(facts).row(0, named=True)
    candidate = rules.candidate_category(facts).row(0, named=True)["category"]
    if h["members"] == 0:
        assert row["level"] == "none" and candidate is None
        return
    # Below the line is always red, whatever else holds; and red always says why with an arrow line.
    if row["per_capita"] < row["line"]:
        assert row["level"] == "red"
    if row["level"] == "red":
        assert any("Ⅰ级红色预警" in line for line in row["reasons"])
    # Yellow and blue need a risk factor; no level is given where one of the red conditions holds.
    if row["level"] in ("yellow", "blue"):
        assert row["factors"]
    # 特困 and 低保 recipients are always monitored, 特困 first.
    if h["tekun"]:
        assert candidate == "tekun"
    elif h["dibao"]:
        assert candidate == "dibao"
    # The last line always names the outcome.
    assert row["reasons"][-1]
