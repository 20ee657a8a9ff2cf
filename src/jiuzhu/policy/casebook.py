"""The golden cases (policy/golden/*.yaml) as a casebook: loaded, run through the engine, compared.

The test suite asserts every case; the 规则测试用例 pages show the same cases to policy staff, who read
each file's statement of the rule and its sources, each case's household or arguments and expected
amount, and see the engine's answer beside it.

policy/golden/*.yaml hold the monthly programmes, one file each, every case a household; the one-off and
per-event programmes (临时救助, 医疗救助, 价格临时补贴, 春节慰问金) are in policy/golden/events/*.yaml, one file
each, every case the arguments of the file's rule function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jiuzhu.core import messages
from jiuzhu.policy import rules
from jiuzhu.policy.calc import parameters_with, run
from jiuzhu.policy.rules import params_frame
from jiuzhu.policy.rules.events import params_for
from jiuzhu.policy.shipped import shipped_frame

GOLDEN = Path(__file__).parent / "golden"
EVENTS = GOLDEN / "events"
DEFAULT_DATE = dt.date(2025, 1, 1)
# Arguments of the event functions that are amounts of money, in 元 in the YAML and fen in the engine.
MONEY_ARGS = ("need", "self_paid", "paid_this_year", "deductible_met")


def load(name: str) -> list[dict[str, Any]]:
    """The cases of one file (a path relative to policy/golden/), each with its file's `program` and, for
    event files, the rule `function` the cases call."""
    data = yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))
    shared = {k: data[k] for k in ("program", "function") if k in data}
    return [dict(c, **shared) for c in data["cases"]]


def header(name: str) -> str:
    """The comment at the top of a file: the rule in plain words, its sources and the parameters used."""
    lines = []
    for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines).strip()


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


@dataclass
class Outcome:
    """What the engine gives for a case, and whether it is what the case expects."""

    eligible: bool
    amount: Decimal  # 元
    lines: list[str]  # marked messages (core/messages.py), shown in the reader's language
    problems: list[str] = field(default_factory=list)

    @property
    def explain(self) -> list[str]:
        """The lines as Chinese text, what the cases expect."""
        return [messages.plain(line) for line in self.lines]

    @property
    def passed(self) -> bool:
        return not self.problems


def _yuan(fen_amount: int) -> Decimal:
    return Decimal(fen_amount) / 100


_RESULTS: dict[str, Any] = {}


def _remembered(kind: str, case: dict[str, Any], compute: Any) -> Any:
    """Results per case for the life of the process: rules and cases change only with the code, and a
    programme's page runs up to twenty households through the engine."""
    key = f"{kind}:{case!r}"
    if key not in _RESULTS:
        _RESULTS[key] = compute(case)
    return _RESULTS[key]


def run_monthly(case: dict[str, Any]) -> tuple[dict[str, Any], Outcome]:
    """The household's whole result (the calc contract's JSON) and the outcome for the case's programme."""
    result: tuple[dict[str, Any], Outcome] = _remembered("monthly", case, _run_monthly)
    return result


def run_event(case: dict[str, Any]) -> tuple[rules.Award, Outcome]:
    result: tuple[rules.Award, Outcome] = _remembered("event", case, _run_event)
    return result


def _run_monthly(case: dict[str, Any]) -> tuple[dict[str, Any], Outcome]:
    date = case.get("date", DEFAULT_DATE)
    data = {"date": date.isoformat(), "households": [jsonable(dict(case["household"], id="H"))]}
    result = run(data, base=base_params(case), marked=True)["households"][0]
    expect, got = case["expect"], result["programs"][case["program"]]
    out = Outcome(got["eligible"], Decimal(str(got["monthly"])), got["explain"])
    explain = out.explain
    checks = [
        ("class", result["class"], expect.get("class")),
        ("per_capita_income", result["per_capita_income"], expect.get("per_capita_income")),
        ("eligible", got["eligible"], expect["eligible"]),
        ("monthly", got["monthly"], expect["monthly"]),
        ("persons", got["persons"], expect.get("persons")),
    ]
    out.problems = [f"{name}: {actual!r} ≠ {wanted!r}" for name, actual, wanted in checks
                    if wanted is not None and actual != wanted]  # fmt: skip
    out.problems += [f"explain lacks {text!r}" for text in expect.get("explain_contains", [])
                     if not any(text in line for line in explain)]  # fmt: skip
    return result, out


def _run_event(case: dict[str, Any]) -> tuple[rules.Award, Outcome]:
    params = params_for(base_params(case), date=case.get("date", DEFAULT_DATE))
    args = {k: fen(v) if k in MONEY_ARGS else v for k, v in case["args"].items()}
    award: rules.Award = getattr(rules, case["function"])(params, **args)
    expect = case["expect"]
    out = Outcome(award.eligible, _yuan(award.amount), award.lines)
    checks = [
        ("amount", award.amount, fen(expect["amount"])),
        ("eligible", award.eligible, expect["eligible"]),
        ("needs_county_approval", award.needs_county_approval, expect.get("needs_county_approval", False)),
        ("explain", award.explain, expect.get("explain")),
    ]
    out.problems = [f"{name}: {actual!r} ≠ {wanted!r}" for name, actual, wanted in checks
                    if wanted is not None and actual != wanted]  # fmt: skip
    if not award.explain:
        out.problems.append("no explanation")
    return award, out


@dataclass
class Chapter:
    """One programme's file."""

    code: str
    name: str
    file: str
    header: str
    cases: list[dict[str, Any]]
    monthly: bool


@cache
def chapters() -> list[Chapter]:
    """Every file, monthly programmes first, in the catalogue's order."""
    out = []
    for file, monthly in [*((f, True) for f in monthly_files()), *((f, False) for f in event_files())]:
        cases = load(file)
        code = cases[0]["program"] if cases and "program" in cases[0] else Path(file).stem
        program = rules.PROGRAMS_BY_CODE.get(code)
        out.append(Chapter(code, program.name if program else code, file, header(file), cases, monthly))
    order = {p.code: i for i, p in enumerate(rules.PROGRAMS)}
    return sorted(out, key=lambda c: order.get(c.code, len(order)))


def chapter(code: str) -> Chapter | None:
    return next((c for c in chapters() if c.code == code), None)
