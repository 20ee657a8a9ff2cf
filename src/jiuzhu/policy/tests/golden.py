"""Loading the golden YAML cases (policy/golden/*.yaml) for test_golden.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jiuzhu.policy.calc import parameters_with
from jiuzhu.policy.rules import params_frame
from jiuzhu.policy.shipped import shipped_frame

GOLDEN = Path(__file__).parent.parent / "golden"
DEFAULT_DATE = dt.date(2025, 1, 1)


def load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))
    return [dict(c, program=data.get("program")) for c in data["cases"]]


def monthly_files() -> list[str]:
    return sorted(p.name for p in GOLDEN.glob("*.yaml") if p.name != "events.yaml")


def base_params(case: dict[str, Any]) -> pl.DataFrame:
    history = case.get("history") or {}
    rows = [("", k, e["value"], e["effective_from"]) for k, entries in history.items() for e in entries]
    base = shipped_frame() if not rows else pl.concat([shipped_frame(), params_frame(rows)])
    return parameters_with({k: str(v) for k, v in (case.get("parameters") or {}).items()}, base)


def jsonable(value: Any) -> Any:
    """YAML gives dates as date objects; the calc contract takes ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
