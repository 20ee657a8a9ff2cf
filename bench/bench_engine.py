"""Benchmark of the rules engine (issue 3). A script, not part of the test run:

    .venv/bin/python bench/bench_engine.py [--households 1000000] [--python-sample 50000]
        [--explain-sample 100000] [--no-openfisca] [--seed 7]

Builds a synthetic province slice (mixed regions, two dates around a 提标, regional parameter overrides,
about 2.5 persons per household). On that same input it runs three implementations of the same 低保
rule — the gap method with job costs and rigid spending, assets, 分类施保, the 特困 carve-out, 单人保 and
the region's rounding mode — all in integer fen, checks that they agree household by household, and
times them:
  1. jiuzhu `evaluate(..., explain=False)`: all 9 monthly programmes, and only the two 低保 programmes
     (the like-for-like figure); then with explanation lines on a sample, as stored (marked messages) and
     as Chinese text;
  2. the plain per-household Python reference, jiuzhu.policy.rules.reference (timed on a sample,
     extrapolated linearly);
  3. OpenFisca-core 46 running an equivalent model (`pip install -e .[bench]`).
Peak memory is the process's maxrss (resource.getrusage) after each stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
from collections import defaultdict
from typing import Any

import numpy as np
import polars as pl

from jiuzhu.policy.rules import evaluate, params_frame, resolve
from jiuzhu.policy.rules.params import col
from jiuzhu.policy.rules.programs import dibao
from jiuzhu.policy.rules.reference import CLASSIFIED, dibao_monthly
from jiuzhu.policy.shipped import shipped_frame

DATES = (dt.date(2025, 6, 1), dt.date(2025, 7, 1))
DIBAO = ("dibao_urban", "dibao_rural")
# Every parameter the 低保 rule reads, 特困 carve-out and 单人保 included.
DIBAO_KEYS = list(dibao.KEYS)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_input(n: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.22, 0.3, 0.22, 0.16, 0.1])
    hid = np.repeat(np.arange(n), sizes)
    m = len(hid)
    # Three counties in two provinces, 10 townships × 20 villages each.
    villages = [f"{county}{t:03d}{v:03d}" for county in ("330727", "330782", "320581") for t in range(100, 110)
                for v in range(1, 21)]  # fmt: skip
    vehicles = rng.choice([0, 1, 2], size=n, p=[0.9, 0.09, 0.01]).astype(np.int32)
    households = pl.DataFrame(
        {
            "household_id": np.arange(n, dtype=np.int64),
            "region": np.array(villages)[rng.integers(0, len(villages), n)],
            "date": np.array(DATES, dtype="datetime64[D]")[rng.integers(0, 2, n)],
            "urban": rng.random(n) < 0.4,
            "deposits": rng.integers(0, 2_000_000, n),
            "vehicles": vehicles,
            "disability_vehicle": (vehicles > 0) & (rng.random(n) < 0.5),
            "homes": rng.choice([0, 1, 2], size=n, p=[0.1, 0.85, 0.05]).astype(np.int32),
            "business": rng.random(n) < 0.03,
        }
    )

    def some(p: float, high: int) -> np.ndarray:  # an amount in fen for a share p of the persons, else 0
        return np.where(rng.random(m) < p, rng.integers(0, high, m), 0)

    grade = pl.Series(rng.integers(1, 5, m), dtype=pl.Int8).set(pl.Series(rng.random(m) >= 0.08), None)
    kinds = np.array(["physical", "mental", "visual", "intellectual", "multiple"])
    persons = pl.DataFrame(
        {
            "person_id": np.arange(m, dtype=np.int64),
            "household_id": hid.astype(np.int64),
            "birth_date": np.datetime64("1922-01-01") + rng.integers(0, 37_000, m).astype("timedelta64[D]"),
            "income_wage": some(0.4, 250_000),
            "income_business": some(0.05, 150_000),
            "income_property": some(0.05, 30_000),
            "income_transfer": some(0.3, 80_000),
            "income_other": some(0.1, 20_000),
            "income_exempt": some(0.2, 20_000),
            "rigid_medical": some(0.05, 50_000),
            "rigid_rehab": some(0.03, 30_000),
            "disability_grade": grade,
            "disability_kind": kinds[rng.choice(5, m, p=[0.35, 0.2, 0.15, 0.2, 0.1])],
            "serious_illness": rng.random(m) < 0.03,
            "labor": rng.choice(["full", "partial", "none"], m, p=[0.6, 0.2, 0.2]),
            "supporter": rng.choice(["capable", "incapable", "none"], m, p=[0.8, 0.1, 0.1]),
            "orphan": rng.choice(["none", "orphan", "defacto"], m, p=[0.995, 0.003, 0.002]),
            "prefers_dibao": rng.random(m) < 0.2,
            "adl_impossible": rng.integers(0, 7, m).astype(np.int8),
            "alive": rng.random(m) < 0.99,
            "excluded": rng.random(m) < 0.01,
            "institution": rng.random(m) < 0.02,
        }
    ).with_columns(disability_kind=pl.when(pl.col("disability_grade").is_not_null()).then("disability_kind"))
    since = dt.date(2024, 1, 1)
    params = pl.concat(
        [
            shipped_frame(),
            params_frame(
                [
                    ("32", "dibao.standard.urban", "900", since),
                    ("32", "dibao.standard.rural", "900", since),
                    ("32", "dibao.rounding", "round_yuan", since),
                    ("32", "dibao.job_cost_ratio", "0.2", since),
                    ("320581", "dibao.assets.max_homes", "2", since),
                    ("320581107", "dibao.classified.elderly70", "25", since),
                    ("330782", "dibao.standard.urban", "800", since),
                    ("330782", "dibao.standard.rural", "450", DATES[1]),  # 提标 on the second date
                    ("330782", "dibao.edge_ratio", "2", since),
                    ("330782103", "dibao.rounding", "fen", since),
                    ("330727", "dibao.standard.urban", "560", DATES[1]),  # 提标 on the second date
                    ("330727", "dibao.assets.deposit_months", "36", DATES[1]),
                    ("330727", "dibao.classified.disability_severe", "30", DATES[1]),
                    ("330727105", "dibao.classified.minor", "15", since),
                ]
            ),
        ]
    )
    return households, persons, params


# --- 2. plain Python: the 低保 rule, one household at a time (jiuzhu.policy.rules.reference) ----------


def python_params(households: pl.DataFrame, params: pl.DataFrame) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """The 低保 parameters of every (region, date) the households have: one resolve() call over the
    distinct pairs, turned into a dict keyed like the records."""
    cache: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for row in resolve(households.select("region", "date").unique(), params, DIBAO_KEYS).to_dicts():
        cache[(row.pop("region"), row.pop("date"))] = {k.removeprefix("p:"): v for k, v in row.items()}
    return cache


def python_records(
    households: pl.DataFrame, persons: pl.DataFrame
) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    rows = households.to_dicts()
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in persons.to_dicts():
        members[m["household_id"]].append(m)
    return rows, members


def plain_python_dibao(
    rows: list[dict[str, Any]],
    members: dict[int, list[dict[str, Any]]],
    params: dict[tuple[str, dt.date], dict[str, Any]],
) -> dict[int, int]:
    out = {}
    for h in rows:
        out[h["household_id"]] = dibao_monthly(h, members.get(h["household_id"], []), params[(h["region"], h["date"])])
    return out


# --- 3. OpenFisca ----------------------------------------------------------------------------------
OF_PERIOD = "2025-06"  # one period for all; each household's date is an input (date_key)


def openfisca_system() -> tuple[Any, dict[str, Any]]:
    """The 低保 rule as an OpenFisca tax-benefit system, in integer fen. Every parameter arrives already
    resolved per household (region, date, urban/rural) as an input variable; the rule itself — ages, job
    costs, the 特困 carve-out, the unit, assets, 分类施保, 单人保, rounding — is formulas. Returns the
    system and the Enum of each Enum input."""
    from openfisca_core.entities import build_entity
    from openfisca_core.indexed_enums import Enum
    from openfisca_core.periods import MONTH
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    household = build_entity(key="household", plural="households", label="家庭",
                             roles=[{"key": "member", "plural": "members", "label": "成员"}])  # fmt: skip
    person = build_entity(key="person", plural="persons", label="成员", is_person=True)

    class DisabilityKind(Enum):
        none = "无"
        physical = "肢体"
        mental = "精神"
        visual = "视力"
        intellectual = "智力"
        multiple = "多重"

    class Labor(Enum):
        full = "完全"
        partial = "部分"
        none = "无"

    class Supporter(Enum):
        capable = "有能力"
        incapable = "无能力"
        none = "无"

    class Orphan(Enum):
        none = "否"
        orphan = "孤儿"
        defacto = "事实无人抚养"

    class Rounding(Enum):
        ceil_yuan = "向上取整到元"
        round_yuan = "四舍五入到元"
        fen = "保留到分"

    enums: dict[str, Any] = {"disability_kind": DisabilityKind, "labor": Labor, "supporter": Supporter,
                             "orphan": Orphan, "rounding_mode": Rounding}  # fmt: skip

    def i64(a: Any) -> Any:  # OpenFisca stores int as int32: products are taken in int64
        return np.asarray(a, dtype=np.int64)

    def fen_share(amount: Any, bp: Any) -> Any:
        return (i64(amount) * bp + 5_000) // 10_000

    def fen_rounded(raw: Any, mode: Any) -> Any:
        return np.select([mode == Rounding.ceil_yuan, mode == Rounding.round_yuan],
                         [(raw + 99) // 100 * 100, (raw + 50) // 100 * 100], raw)  # fmt: skip

    # Person formulas.
    def age(p: Any, period: Any) -> Any:
        return (p.household("date_key", period) - p("birth_key", period)) // 10_000

    def member(p: Any, period: Any) -> Any:
        return p("alive", period) & ~p("excluded", period)

    def counted_income(p: Any, period: Any) -> Any:
        wage = i64(p("income_wage", period))
        income = wage - fen_share(wage, p.household("job_cost_bp", period))
        for name in ("income_business", "income_property", "income_transfer", "income_other"):
            income += p(name, period)
        return income - p("rigid_medical", period) - p("rigid_rehab", period)

    def own_income(p: Any, period: Any) -> Any:
        return np.maximum(p("counted_income", period), 0)

    def unable_disabled(p: Any, period: Any) -> Any:
        grade, kind = p("disability_grade", period), p("disability_kind", period)
        mental = (kind == DisabilityKind.mental) | (kind == DisabilityKind.intellectual)
        return (grade >= 1) & (
            (mental & (grade <= 3))
            | ((kind == DisabilityKind.physical) & (grade <= 2))
            | ((kind == DisabilityKind.visual) & (grade == 1))
            | ((kind == DisabilityKind.multiple) & (grade <= 2))
        )

    def tekun_paid(p: Any, period: Any) -> Any:
        a, unable = p("age", period), p("unable_disabled", period)
        return (
            p("member", period)
            & ((a >= 60) | (a < 18) | unable)
            & ((p("labor", period) == Labor.none) | (a >= 60) | (a < 16) | unable)
            & (p("own_income", period) < p.household("dibao_standard", period))
            & (p("supporter", period) != Supporter.capable)
            & (p("orphan", period) == Orphan.none)
            & ~p("prefers_dibao", period)
        )

    def in_unit(p: Any, period: Any) -> Any:
        return p("member", period) & ~p("tekun_paid", period)

    def addon(p: Any, period: Any) -> Any:
        a, grade = p("age", period), p("disability_grade", period)
        applies = ((grade >= 1) & (grade <= 2), p("serious_illness", period), a >= 70, a < 18)
        return np.maximum.reduce([np.where(cond, p.household(f"addon_{c}", period), 0)
                                  for c, cond in zip(CLASSIFIED, applies, strict=True)])  # fmt: skip

    def single_reason(p: Any, period: Any) -> Any:
        grade, kind = p("disability_grade", period), p("disability_kind", period)
        mental = (kind == DisabilityKind.mental) | (kind == DisabilityKind.intellectual)
        return ((grade >= 1) & ((grade <= 2) | ((grade == 3) & mental))) | p("serious_illness", period)

    def single_amount(p: Any, period: Any) -> Any:
        std, own = i64(p.household("dibao_standard", period)), p("own_income", period)
        ok = p("in_unit", period) & p.household("dibao_edge", period) & p("single_reason", period) & (own < std)
        raw = std - own + p("addon", period)
        return np.where(ok, fen_rounded(raw, p.household("rounding_mode", period)), 0)

    # Household formulas. GroupPopulation.sum is a weighted bincount (float64): exact for fen sums.
    def unit_sum(h: Any, period: Any, name: str) -> Any:
        values = h.members(name, period)
        return h.sum(np.where(h.members("in_unit", period), values, 0)).astype(np.int64)

    def addon_of(c: str) -> Any:
        def formula(h: Any, period: Any) -> Any:
            return fen_share(h("dibao_standard", period), h(f"addon_{c}_bp", period))

        return formula

    def unit_size(h: Any, period: Any) -> Any:
        return h.sum(h.members("in_unit", period)).astype(np.int64)

    def unit_income(h: Any, period: Any) -> Any:
        return np.maximum(unit_sum(h, period, "counted_income"), 0)

    def per_capita_income(h: Any, period: Any) -> Any:
        n, income = i64(h("unit_size", period)), i64(h("unit_income", period))
        return np.where(n > 0, (income * 2 + n) // np.maximum(2 * n, 1), 0)

    def assets_ok(h: Any, period: Any) -> Any:
        std, n = h("dibao_standard", period), i64(h("unit_size", period))
        return ~(
            (h("vehicles", period) - h("disability_vehicle", period) > 0)
            | (h("homes", period) > h("max_homes", period))
            | (h("deposits", period) > fen_share(std * n, h("deposit_months_bp", period)))
            | h("business", period)
        )

    def dibao_eligible(h: Any, period: Any) -> Any:
        n, ok = h("unit_size", period), h("assets_ok", period)
        return (n > 0) & (h("per_capita_income", period) < h("dibao_standard", period)) & ok

    def dibao_edge(h: Any, period: Any) -> Any:
        n, ok, std = h("unit_size", period), h("assets_ok", period), h("dibao_standard", period)
        edge_line = fen_share(std, h("edge_ratio_bp", period))
        return (n > 0) & ~h("dibao_eligible", period) & ok & (h("per_capita_income", period) < edge_line)

    def dibao_household_amount(h: Any, period: Any) -> Any:
        std, n, pc = i64(h("dibao_standard", period)), i64(h("unit_size", period)), h("per_capita_income", period)
        raw = (std - pc) * n + unit_sum(h, period, "addon")
        return np.where(h("dibao_eligible", period), fen_rounded(raw, h("rounding_mode", period)), 0)

    def dibao_monthly(h: Any, period: Any) -> Any:
        singles = h.sum(h.members("single_amount", period)).astype(np.int64)
        return h("dibao_household_amount", period) + singles

    def var(name: str, entity: Any, vtype: Any, formula: Any = None) -> type:
        attrs: dict[str, Any] = {"value_type": vtype, "entity": entity, "definition_period": MONTH, "label": name}
        if formula is not None:
            attrs["formula"] = formula
        if vtype is Enum:
            attrs["possible_values"] = enums[name]
            attrs["default_value"] = next(iter(enums[name]))
        return type(name, (Variable,), attrs)

    person_inputs: list[tuple[str, Any]] = [
        ("birth_key", int), ("alive", bool), ("excluded", bool), ("serious_illness", bool),
        ("prefers_dibao", bool), ("disability_grade", int), ("disability_kind", Enum), ("labor", Enum),
        ("supporter", Enum), ("orphan", Enum),
        *((name, int) for name in ("income_wage", "income_business", "income_property", "income_transfer",
                                   "income_other", "rigid_medical", "rigid_rehab")),
    ]  # fmt: skip
    household_inputs: list[tuple[str, Any]] = [
        ("date_key", int), ("deposits", int), ("vehicles", int), ("disability_vehicle", bool), ("homes", int),
        ("business", bool), ("dibao_standard", int), ("rounding_mode", Enum), ("edge_ratio_bp", int),
        ("job_cost_bp", int), ("deposit_months_bp", int), ("max_homes", int),
        *((f"addon_{c}_bp", int) for c in CLASSIFIED),
    ]  # fmt: skip
    person_formulas: list[tuple[str, Any, Any]] = [
        ("age", int, age), ("member", bool, member), ("counted_income", int, counted_income),
        ("own_income", int, own_income), ("unable_disabled", bool, unable_disabled),
        ("tekun_paid", bool, tekun_paid), ("in_unit", bool, in_unit), ("addon", int, addon),
        ("single_reason", bool, single_reason), ("single_amount", int, single_amount),
    ]  # fmt: skip
    household_formulas: list[tuple[str, Any, Any]] = [
        *((f"addon_{c}", int, addon_of(c)) for c in CLASSIFIED),
        ("unit_size", int, unit_size), ("unit_income", int, unit_income),
        ("per_capita_income", int, per_capita_income), ("assets_ok", bool, assets_ok),
        ("dibao_eligible", bool, dibao_eligible), ("dibao_edge", bool, dibao_edge),
        ("dibao_household_amount", int, dibao_household_amount), ("dibao_monthly", int, dibao_monthly),
    ]  # fmt: skip

    class Dibao(TaxBenefitSystem):
        def __init__(self) -> None:
            super().__init__([person, household])
            for name, vtype in person_inputs:
                self.add_variable(var(name, person, vtype))
            for name, vtype in household_inputs:
                self.add_variable(var(name, household, vtype))
            for name, vtype, formula in person_formulas:
                self.add_variable(var(name, person, vtype, formula))
            for name, vtype, formula in household_formulas:
                self.add_variable(var(name, household, vtype, formula))

    return Dibao(), enums


def date_key(d: pl.Expr) -> pl.Expr:
    """YYYYMMDD as an integer: (date key − birth key) // 10 000 is the age in whole years."""
    return d.dt.year().cast(pl.Int32) * 10_000 + d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)


def openfisca_inputs(
    households: pl.DataFrame, persons: pl.DataFrame, params: pl.DataFrame, enums: dict[str, Any]
) -> dict[str, np.ndarray]:
    """The model's input arrays from the frames: the parameters resolved per (region, date) with
    `resolve` and attached to each household (standard chosen by urban/rural), Enums as their indices."""
    res = resolve(households.select("region", "date").unique(), params, DIBAO_KEYS)

    def p(key: str) -> pl.Expr:
        return pl.col(col(key))

    def index(name: str, expr: pl.Expr) -> pl.Expr:  # an Enum input as the index OpenFisca stores
        return expr.cast(pl.Enum([item.name for item in enums[name]])).to_physical().alias(name)

    hh = households.join(res, on=["region", "date"], how="left", maintain_order="left").select(
        "deposits", "vehicles", "disability_vehicle", "homes", "business",
        date_key=date_key(pl.col("date")),
        dibao_standard=pl.when("urban").then(p("dibao.standard.urban")).otherwise(p("dibao.standard.rural")),
        rounding_mode=index("rounding_mode", p("dibao.rounding")),
        edge_ratio_bp=p("dibao.edge_ratio"),
        job_cost_bp=p("dibao.job_cost_ratio"),
        deposit_months_bp=p("dibao.assets.deposit_months"),
        max_homes=p("dibao.assets.max_homes"),
        **{f"addon_{c}_bp": p(f"dibao.classified.{c}") for c in CLASSIFIED},
    )  # fmt: skip
    ps = persons.select(
        "alive", "excluded", "serious_illness", "prefers_dibao", "income_wage", "income_business",
        "income_property", "income_transfer", "income_other", "rigid_medical", "rigid_rehab",
        birth_key=date_key(pl.col("birth_date")),
        disability_grade=pl.col("disability_grade").fill_null(0),  # 0: no disability certificate
        disability_kind=index("disability_kind", pl.col("disability_kind").fill_null("none")),
        labor=index("labor", pl.col("labor")),
        supporter=index("supporter", pl.col("supporter")),
        orphan=index("orphan", pl.col("orphan")),
    )  # fmt: skip
    return {name: frame[name].to_numpy() for frame in (hh, ps) for name in frame.columns}


def openfisca_dibao(
    households: pl.DataFrame, persons: pl.DataFrame, params: pl.DataFrame
) -> tuple[np.ndarray, dict[str, float]]:
    """Runs the model on the frames. Returns the 低保 monthly amount (fen) per household in the frame's
    order and the seconds of each stage: build (system + simulation: entities, integer ids, membership),
    prepare (frames → input arrays, parameters resolved), set_input and calculate."""
    from openfisca_core.simulations import SimulationBuilder

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    tbs, enums = openfisca_system()
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    # Integer ids, passed as lists: the builder runs numpy.array(list(ids)), cheapest from Python ints.
    sb.declare_person_entity("person", persons["person_id"].to_numpy().tolist())
    hh = sb.declare_entity("household", households["household_id"].to_numpy().tolist())
    # Integer roles (index into the entity's roles): join_with_persons then skips comparing role keys.
    sb.join_with_persons(hh, persons["household_id"].to_numpy(), np.zeros(persons.height, dtype=np.int64))
    sim = sb.build(tbs)
    seconds["build"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    inputs = openfisca_inputs(households, persons, params, enums)
    seconds["prepare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for name, values in inputs.items():
        sim.set_input(name, OF_PERIOD, values)
    seconds["set_input"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    amounts = np.asarray(sim.calculate("dibao_monthly", OF_PERIOD), dtype=np.int64)
    seconds["calculate"] = time.perf_counter() - t0
    return amounts, seconds


# --- agreement ---------------------------------------------------------------------------------
def report_agreement(
    what: str,
    ids: np.ndarray,
    expected: np.ndarray,
    got: np.ndarray,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    params: pl.DataFrame,
    engine_persons: pl.DataFrame,
) -> int:
    """Prints how many households agree, and up to 5 that do not with everything needed to debug them."""
    differ = ids[expected != got]
    print(f"agreement jiuzhu vs {what}: {len(ids) - len(differ):,} of {len(ids):,} households agree"
          + (f", {len(differ):,} DISAGREE" if len(differ) else " (100 %)"))  # fmt: skip
    shown = pl.Series(differ[:5])
    if not len(shown):
        return 0
    pos = {hid: i for i, hid in enumerate(ids.tolist())}
    hh = households.filter(pl.col("household_id").is_in(shown))
    res = resolve(hh.select("region", "date").unique(), params, DIBAO_KEYS)
    facts = ["age", "member", "tekun", "tekun_paid", "in_unit", "own", "single_ok", "single_amount"]
    engine = engine_persons.filter(pl.col("household_id").is_in(shown)).select(
        "person_id", *(pl.col(f).alias(f"jiuzhu.{f}") for f in facts)
    )
    for h in hh.iter_rows(named=True):
        hid = h["household_id"]
        print(f"\n  household {hid}: jiuzhu {expected[pos[hid]]} fen, {what} {got[pos[hid]]} fen\n    {h}")
        print(f"    parameters: {res.filter(region=h['region'], date=h['date']).row(0, named=True)}")
        for m in persons.filter(household_id=hid).join(engine, on="person_id", how="left").iter_rows(named=True):
            print(f"    person {m}")
    return len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--python-sample", type=int, default=50_000)
    parser.add_argument("--explain-sample", type=int, default=100_000)
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--seed", type=int, default=7, help="of the synthetic input")
    args = parser.parse_args()
    n = args.households
    print(f"cores: {os.cpu_count()} (available to this process: {len(os.sched_getaffinity(0))}), polars "
          f"{pl.__version__}, threads {pl.thread_pool_size()}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    t0 = time.perf_counter()
    households, persons, params = make_input(n, args.seed)
    print(f"input: {n:,} households, {persons.height:,} persons, built in {time.perf_counter() - t0:.1f} s, "
          f"maxrss {maxrss_mb():,.0f} MB")  # fmt: skip

    # --- 1. jiuzhu ---
    warm_p = persons.filter(pl.col("household_id") < 1000)
    evaluate(households.head(1000), warm_p, params, explain=False)  # warm-up
    evaluate(households.head(1000), warm_p, params, explain=False, programs=DIBAO)
    t0 = time.perf_counter()
    result = evaluate(households, persons, params, explain=False)
    engine_all = time.perf_counter() - t0
    print(f"\njiuzhu, all 9 monthly programmes, amounts only: {engine_all:.2f} s "
          f"({n / engine_all:,.0f} households/s), peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
    del result
    t0 = time.perf_counter()
    result = evaluate(households, persons, params, explain=False, programs=DIBAO)
    engine = time.perf_counter() - t0
    print(f"jiuzhu, 低保 programmes only (dibao_urban, dibao_rural), amounts only: {engine:.2f} s "
          f"({n / engine:,.0f} households/s), peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
    jz = result.households.select("household_id", dibao=pl.col("dibao_urban.monthly") + pl.col("dibao_rural.monthly"))
    ids, jz_amounts = jz["household_id"].to_numpy(), jz["dibao"].to_numpy()
    assert np.array_equal(ids, np.arange(n))  # household ids are row numbers: amounts are indexed by id
    ep = result.persons
    print("  classes:", dict(result.households.group_by("class").len().sort("class").rows()),
          f"| paid 特困 {ep['tekun_paid'].sum():,}, 特困 choosing 低保 {(ep['tekun'] & ~ep['tekun_paid']).sum():,}, "
          f"单人保 {ep['single_ok'].sum():,} persons")  # fmt: skip
    print("  rounding modes:",
          dict(resolve(households.select("region", "date").unique(), params, ["dibao.rounding"])
               .group_by("p:dibao.rounding").len().rows()), "(region, date) pairs")  # fmt: skip

    sample = households.head(args.explain_sample)
    sample_p = persons.filter(pl.col("household_id") < args.explain_sample)
    # The lines as stored (marked messages, shown in the reader's language) and as Chinese text (the marks
    # stripped: the calc API, the tests). Wall and CPU (all threads) time.
    for label, marked in (("as stored (marked)", True), ("as Chinese text", False)):
        t0, c0 = time.perf_counter(), time.process_time()
        evaluate(sample, sample_p, params, explain=True, marked=marked)
        explained, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"jiuzhu, all programmes with explanation lines {label}, {sample.height:,} households: "
            f"{explained:.2f} s (CPU {cpu:.2f} s)"
        )

    # --- 2. plain Python, on a sample, extrapolated ---
    k = min(args.python_sample, n)
    py_hh = households.head(k)
    py_p = persons.filter(pl.col("household_id") < k)  # the sample's persons (ids are 0 … n − 1)
    t0 = time.perf_counter()
    rows, members = python_records(py_hh, py_p)
    convert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    py_params = python_params(py_hh, params)
    params_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = plain_python_dibao(rows, members, py_params)
    loop_s = time.perf_counter() - t0
    python_loop = loop_s * n / k
    python_e2e = (convert_s + loop_s) * n / k + params_s
    print(f"\nplain Python 低保 rule, {k:,} households ({py_p.height:,} persons) timed: to_dicts + grouping "
          f"{convert_s:.2f} s, resolve() of {len(py_params):,} (region, date) pairs into a dict {params_s:.2f} s, "
          f"loop {loop_s:.2f} s; peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
    print(f"  extrapolated to {n:,} households: loop only {python_loop:.1f} s, end to end {python_e2e:.1f} s "
          f"(records and loop scaled by {n / k:,.0f}, the parameter dict once)")  # fmt: skip
    py_ids = np.array(list(plain), dtype=np.int64)
    disagree = report_agreement("plain Python", py_ids, jz_amounts[py_ids], np.array(list(plain.values())),
                                households, persons, params, ep)  # fmt: skip

    # --- 3. OpenFisca ---
    of_total = of_calc = None
    if not args.no_openfisca:
        of_amounts, sec = openfisca_dibao(households, persons, params)
        of_total, of_calc = sum(sec.values()), sec["calculate"]
        print(f"\nOpenFisca-core 低保 model, integer fen, parameters and date resolved per household and given as "
              f"household inputs (one OpenFisca period): "
              f"build (system + simulation, integer ids) {sec['build']:.2f} s, prepare inputs from the frames "
              f"{sec['prepare']:.2f} s, set_input {sec['set_input']:.2f} s, calculate {of_calc:.2f} s; "
              f"total {of_total:.2f} s, peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
        disagree += report_agreement("OpenFisca", ids, jz_amounts, of_amounts, households, persons, params, ep)
        both = of_amounts[py_ids] == np.array(list(plain.values()))
        print(f"agreement plain Python vs OpenFisca: {both.sum():,} of {len(py_ids):,} sampled households")

    print(f"\nratio plain Python / jiuzhu 低保 only: loop {python_loop / engine:.0f}×, "
          f"end to end {python_e2e / engine:.0f}×")  # fmt: skip
    print(f"ratio plain Python / jiuzhu all 9 programmes: loop {python_loop / engine_all:.0f}×, "
          f"end to end {python_e2e / engine_all:.0f}×")  # fmt: skip
    if of_total is not None and of_calc is not None:
        print(f"ratio OpenFisca / jiuzhu 低保 only: calculate only {of_calc / engine:.1f}×, "
              f"build + inputs + calculate {of_total / engine:.1f}×")  # fmt: skip
    print(f"households disagreeing with jiuzhu: {disagree:,}")


if __name__ == "__main__":
    main()
