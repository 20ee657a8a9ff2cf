"""The monitoring rules against their golden cases (golden/*.yaml): each file states one definition of the
seed's 第8篇 with its sources and parameters, then the cases a policy officer would ask about."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from jiuzhu.monitoring import rules
from jiuzhu.policy.rules.params import col, engine_value

GOLDEN = Path(__file__).parent / "golden"
MONEY = ("gross", "earned", "rigid", "aid")
DEFAULTS: dict[str, Any] = {
    "members": 1, "full_labor": 0, "partial_labor": 0, "disabled": False, "ill": False, "student": False,
    "unemployed": False, "gross": 0, "earned": 0, "rigid": 0, "aid": 0, "recorded_factors": "", "class": "none",
    "dibao": False, "tekun": False,
}  # fmt: skip
SHIPPED = {
    "monitoring.poverty_line": 4000,
    "monitoring.line_multiple": 1.5,
    "monitoring.red.rigid_share": 50,
    "monitoring.rigid.share": 50,
    "monitoring.rigid.average_income": 30000,
    "monitoring.assessment_months": 2,
}


def facts_frame(household: dict[str, Any], parameters: dict[str, Any]) -> pl.DataFrame:
    row = {**DEFAULTS, **household, "household_id": 1}
    for key in MONEY:
        row[key] = int(Decimal(str(row[key])) * 100)
    params = {**SHIPPED, **parameters}
    frame = pl.DataFrame([row], schema={k: rules.FACT_COLUMNS[k] for k in rules.FACT_COLUMNS})
    return frame.with_columns(pl.lit(engine_value(k, v), dtype=pl.Int64).alias(col(k)) for k, v in params.items())


def _cases() -> list[Any]:
    out = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["rule"] and doc["sources"] and doc["definition"], path
        out += [pytest.param(doc["parameters"], case, id=f"{path.stem}: {case['name']}") for case in doc["cases"]]
    return out


@pytest.mark.parametrize(("parameters", "case"), _cases())
def test_golden_case(parameters: dict[str, Any], case: dict[str, Any]) -> None:
    facts = facts_frame(case["household"], parameters)
    expect = case["expect"]
    level = rules.warning_level(facts).row(0, named=True)
    candidate = rules.candidate_category(facts).row(0, named=True)
    if "level" in expect:
        assert level["level"] == expect["level"], level["reasons"]
    if "category" in expect:
        assert candidate["category"] == expect["category"], candidate["why"]
    if "line" in expect:
        assert level["line"] == expect["line"] * 100
    if "per_capita" in expect:
        assert level["per_capita"] == expect["per_capita"] * 100
    if "reason" in expect:
        text = "\n".join(level["reasons"]) + "\n" + (candidate["why"] or "")
        assert expect["reason"] in text


def test_every_level_has_its_own_golden_file() -> None:
    assert {p.stem for p in GOLDEN.glob("*.yaml")} >= {"red", "yellow", "blue", "candidates"}


def test_factors_are_the_recorded_and_the_registry_ones_once_each() -> None:
    facts = facts_frame({"ill": True, "recorded_factors": "illness,disaster"}, {})
    assert rules.warning_level(facts)["factors"].to_list() == [["illness", "disaster"]]
