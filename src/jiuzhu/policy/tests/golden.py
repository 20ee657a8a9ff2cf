"""Loading the golden YAML cases for test_golden.py.

policy/golden/*.yaml hold the monthly programmes, one file each, every case a household; the one-off and
per-event programmes (临时救助, 医疗救助, 价格临时补贴, 春节慰问金) are in policy/golden/events/*.yaml, one file
each, every case the arguments of the file's rule function.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jiuzhu.policy.calc import parameters_with
from jiuzhu.policy.rules import params_frame
from jiuzhu.policy.shipped import shipped_frame

GOLDEN = Path(__file__).parent.parent / "golden"
EVENTS = GOLDEN / "events"
DEFAULT_DATE = dt.date(2025, 1, 1)


def load(name: str) -> list[dict[str, Any]]:
    """The cases of one file (a path relative to policy/golden/), each with its file's `program` and, for
    event files, the rule `function` the cases call."""
    data = yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))
    shared = {k: data[k] for k in ("program", "function") if k in data}
    return [dict(c, **shared) for c in data["cases"]]


def monthly_files() -> list[str]:
    return sorted(p.name for p in GOLDEN.glob("*.yaml"))


def event_files() -> list[str]:
    return sorted(f"{EVENTS.name}/{p.name}" for p in EVENTS.glob("*.yaml"))


def fen(amount: Any) -> int:
    """An amount in 元 as the YAML gives it (int or float) in fen, exactly; more than two decimals is an error."""
    value = Decimal(str(amount)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} 元 has more than two decimals")
    return int(value)


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
