"""Benchmark of the rules engine (issue 3). A script, not part of the test run:

    .venv/bin/python bench/bench_engine.py [--households 1000000] [--python-sample 50000] [--no-openfisca]

Builds a synthetic province slice (mixed regions, two dates around a 提标, about 2.5 persons per
household), then times on the same input:
  1. jiuzhu: every monthly programme, amounts only (the monthly run), and with explanation lines;
  2. a plain per-household Python implementation of the 低保 rule (timed on a sample, extrapolated);
  3. OpenFisca-core running an equivalent 低保 model (`pip install -e .[bench]`).
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
from jiuzhu.policy.shipped import shipped_frame

DATES = (dt.date(2025, 6, 1), dt.date(2025, 7, 1))


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
    households = pl.DataFrame(
        {
            "household_id": np.arange(n, dtype=np.int64),
            "region": np.array(villages)[rng.integers(0, len(villages), n)],
            "date": np.array(DATES, dtype="datetime64[D]")[rng.integers(0, 2, n)],
            "urban": rng.random(n) < 0.4,
            "deposits": rng.integers(0, 2_000_000, n),
            "vehicles": (rng.random(n) < 0.05).astype(np.int32),
            "homes": rng.choice([0, 1, 2], size=n, p=[0.1, 0.85, 0.05]).astype(np.int32),
            "business": rng.random(n) < 0.03,
        }
    )
    grade = pl.Series(rng.integers(1, 5, m), dtype=pl.Int8).set(pl.Series(rng.random(m) >= 0.08), None)
    persons = pl.DataFrame(
        {
            "person_id": np.arange(m, dtype=np.int64),
            "household_id": hid.astype(np.int64),
            "birth_date": np.datetime64("1922-01-01") + rng.integers(0, 37_000, m).astype("timedelta64[D]"),
            "income_wage": np.where(rng.random(m) < 0.4, rng.integers(0, 250_000, m), 0),
            "income_transfer": np.where(rng.random(m) < 0.3, rng.integers(0, 80_000, m), 0),
            "income_exempt": np.where(rng.random(m) < 0.2, rng.integers(0, 20_000, m), 0),
            "rigid_medical": np.where(rng.random(m) < 0.05, rng.integers(0, 50_000, m), 0),
            "disability_grade": grade,
            "disability_kind": np.array(["physical", "mental", "visual", "intellectual"])[rng.integers(0, 4, m)],
            "serious_illness": rng.random(m) < 0.03,
            "labor": rng.choice(["full", "partial", "none"], m, p=[0.6, 0.2, 0.2]),
            "supporter": rng.choice(["capable", "incapable", "none"], m, p=[0.8, 0.1, 0.1]),
            "orphan": rng.choice(["none", "orphan", "defacto"], m, p=[0.995, 0.003, 0.002]),
            "adl_impossible": rng.integers(0, 7, m).astype(np.int8),
            "alive": rng.random(m) < 0.99,
            "excluded": rng.random(m) < 0.01,
            "institution": rng.random(m) < 0.02,
        }
    ).with_columns(disability_kind=pl.when(pl.col("disability_grade").is_not_null()).then("disability_kind"))
    params = pl.concat(
        [
            shipped_frame(),
            params_frame(
                [
                    ("32", "dibao.standard.urban", "900", dt.date(2024, 1, 1)),
                    ("32", "dibao.standard.rural", "900", dt.date(2024, 1, 1)),
                    ("330782", "dibao.standard.urban", "800", dt.date(2024, 1, 1)),
                    ("330727", "dibao.standard.urban", "560", DATES[1]),  # 提标 on the second date
                    ("330727105", "dibao.classified.minor", "15", dt.date(2024, 1, 1)),
                ]
            ),
        ]
    )
    return households, persons, params


# --- 2. plain Python: the 低保 rule, one household at a time ------------------------------------
def plain_python_dibao(
    households: list[dict[str, Any]],
    members: dict[int, list[dict[str, Any]]],
    standards: dict[tuple[str, dt.date, bool], int],
    p: dict[str, int],
) -> dict[int, int]:
    out = {}
    for h in households:
        std = standards[(h["region"], h["date"], h["urban"])]
        day = h["date"]
        unit, income, addons = 0, 0, 0
        for m in members.get(h["household_id"], []):
            if not m["alive"] or m["excluded"]:
                continue
            unit += 1
            wage = m["income_wage"]
            income += wage - (wage * p["job"] + 5000) // 10000 + m["income_transfer"] - m["rigid_medical"]
            b = m["birth_date"]
            age = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
            bp = 0
            if m["disability_grade"] is not None and m["disability_grade"] <= 2:
                bp = max(bp, p["severe"])
            if m["serious_illness"]:
                bp = max(bp, p["illness"])
            if age >= 70:
                bp = max(bp, p["elderly"])
            if age < 18:
                bp = max(bp, p["minor"])
            addons += (std * bp + 5000) // 10000
        income = max(income, 0)
        amount = 0
        if unit:
            per_capita = (income * 2 + unit) // (2 * unit)
            assets_ok = (h["vehicles"] == 0 and h["homes"] <= 1 and not h["business"]
                         and h["deposits"] <= (std * unit * p["months"] + 5000) // 10000)  # fmt: skip
            if assets_ok and per_capita < std:
                raw = (std - per_capita) * unit + addons
                amount = (raw + 99) // 100 * 100
        out[h["household_id"]] = amount
    return out


# --- 3. OpenFisca ----------------------------------------------------------------------------------
def openfisca_dibao(
    households: pl.DataFrame, persons: pl.DataFrame, std: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """The same 低保 rule as an OpenFisca model. Returns amounts (fen), build seconds, compute seconds."""
    from openfisca_core.entities import build_entity
    from openfisca_core.parameters import ParameterNode
    from openfisca_core.periods import MONTH
    from openfisca_core.simulations import SimulationBuilder
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    household_e = build_entity(key="household", plural="households", label="家庭",
                               roles=[{"key": "member", "plural": "members", "label": "成员"}])  # fmt: skip
    person_e = build_entity(key="person", plural="persons", label="成员", is_person=True)

    def var(name: str, entity: Any, vtype: type, formula: Any = None) -> type:
        attrs: dict[str, Any] = {"value_type": vtype, "entity": entity, "definition_period": MONTH, "label": name}
        if formula is not None:
            attrs["formula"] = formula
        return type(name, (Variable,), attrs)

    def counted(person: Any, period: Any, parameters: Any) -> Any:
        wage = person("income_wage", period)
        ratio = parameters(period).dibao.job_cost_ratio
        member = person("alive", period) * (1 - person("excluded", period))
        return member * (wage * (1 - ratio) + person("income_transfer", period) - person("rigid_medical", period))

    def addon_share(person: Any, period: Any, parameters: Any) -> Any:
        c = parameters(period).dibao.classified
        age = person("age", period)
        grade = person("disability_grade", period)
        member = person("alive", period) * (1 - person("excluded", period))
        share = np.maximum.reduce([
            np.where((grade >= 1) & (grade <= 2), c.disability_severe, 0),
            np.where(person("serious_illness", period), c.serious_illness, 0),
            np.where(age >= 70, c.elderly70, 0), np.where(age < 18, c.minor, 0),
        ])  # fmt: skip
        return member * share

    def unit(household: Any, period: Any) -> Any:
        return household.sum(household.members("alive", period) * (1 - household.members("excluded", period)))

    def per_capita(household: Any, period: Any) -> Any:
        n = household("unit_size", period)
        income = np.maximum(household.sum(household.members("counted_income", period)), 0)
        return np.where(n > 0, np.round(income / np.maximum(n, 1), 2), 0)

    def dibao(household: Any, period: Any, parameters: Any) -> Any:
        std = household("dibao_standard", period)
        n = household("unit_size", period)
        pc = household("per_capita_income", period)
        addons = household.sum(np.round(household.members("addon_share", period) / 100 * household.project(std), 2))
        limit = std * n * parameters(period).dibao.assets.deposit_months
        ok = (
            (household("vehicles", period) == 0)
            * (household("homes", period) <= 1)
            * (1 - household("business", period))
            * (household("deposits", period) <= limit)
            * (n > 0)
            * (pc < std)
        )
        return ok * np.ceil(np.round((std - pc) * n + addons, 2) - 1e-9)

    class Dibao(TaxBenefitSystem):
        def __init__(self) -> None:
            super().__init__([person_e, household_e])
            self.parameters = ParameterNode("", data={"dibao": {
                "job_cost_ratio": {"values": {"2020-01-01": {"value": 0.1}}},
                "assets": {"deposit_months": {"values": {"2020-01-01": {"value": 24}}}},
                "classified": {k: {"values": {"2020-01-01": {"value": v}}} for k, v in
                               {"disability_severe": 20, "serious_illness": 20, "elderly70": 10, "minor": 10}.items()},
            }})  # fmt: skip
            for v in (
                var("income_wage", person_e, float), var("income_transfer", person_e, float),
                var("rigid_medical", person_e, float), var("alive", person_e, bool), var("excluded", person_e, bool),
                var("age", person_e, int), var("disability_grade", person_e, int),
                var("serious_illness", person_e, bool), var("counted_income", person_e, float, counted),
                var("addon_share", person_e, float, addon_share), var("dibao_standard", household_e, float),
                var("deposits", household_e, float), var("vehicles", household_e, int), var("homes", household_e, int),
                var("business", household_e, bool), var("unit_size", household_e, int, unit),
                var("per_capita_income", household_e, float, per_capita), var("dibao", household_e, float, dibao),
            ):  # fmt: skip
                self.add_variable(v)

    t0 = time.perf_counter()
    tbs = Dibao()
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    sb.declare_person_entity("person", persons["person_id"].cast(pl.String).to_numpy())
    hh_instance = sb.declare_entity("household", households["household_id"].cast(pl.String).to_numpy())
    sb.join_with_persons(hh_instance, persons["household_id"].cast(pl.String).to_numpy(), ["member"] * persons.height)
    sim = sb.build(tbs)
    period = "2025-06"
    day = DATES[0]
    age = persons.select(
        (pl.lit(day).dt.year() - pl.col("birth_date").dt.year())
        - ((pl.lit(day).dt.month() * 100 + pl.lit(day).dt.day())
           < (pl.col("birth_date").dt.month() * 100 + pl.col("birth_date").dt.day())).cast(pl.Int32)
    ).to_series()  # fmt: skip
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    for name in ("income_wage", "income_transfer", "rigid_medical"):
        sim.set_input(name, period, persons[name].to_numpy() / 100)
    sim.set_input("alive", period, persons["alive"].to_numpy())
    sim.set_input("excluded", period, persons["excluded"].to_numpy())
    sim.set_input("serious_illness", period, persons["serious_illness"].to_numpy())
    sim.set_input("age", period, age.to_numpy())
    sim.set_input("disability_grade", period, persons["disability_grade"].fill_null(0).to_numpy())
    sim.set_input("dibao_standard", period, std / 100)
    sim.set_input("deposits", period, households["deposits"].to_numpy() / 100)
    sim.set_input("vehicles", period, households["vehicles"].to_numpy())
    sim.set_input("homes", period, households["homes"].to_numpy())
    sim.set_input("business", period, households["business"].to_numpy())
    amounts = sim.calculate("dibao", period)
    compute = time.perf_counter() - t0
    return np.round(amounts * 100).astype(np.int64), build, compute


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--python-sample", type=int, default=50_000)
    parser.add_argument("--explain-sample", type=int, default=100_000)
    parser.add_argument("--no-openfisca", action="store_true")
    args = parser.parse_args()
    n = args.households
    print(f"cores: {os.cpu_count()}, polars {pl.__version__}, threads {pl.thread_pool_size()}")
    t0 = time.perf_counter()
    households, persons, params = make_input(n)
    print(f"input: {n:,} households, {persons.height:,} persons, built in {time.perf_counter() - t0:.1f} s, "
          f"maxrss {maxrss_mb():,.0f} MB")  # fmt: skip

    evaluate(households.head(1000), persons.filter(pl.col("household_id") < 1000), params, explain=False)  # warm-up
    t0 = time.perf_counter()
    result = evaluate(households, persons, params, explain=False)
    engine = time.perf_counter() - t0
    print(f"jiuzhu, all 9 monthly programmes, amounts only: {engine:.2f} s "
          f"({n / engine:,.0f} households/s), peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
    print(result.households.group_by("class").len().sort("class").rows())

    sample = households.head(args.explain_sample)
    sample_p = persons.filter(pl.col("household_id") < args.explain_sample)
    t0 = time.perf_counter()
    evaluate(sample, sample_p, params, explain=True)
    explained = time.perf_counter() - t0
    print(f"jiuzhu with explanation lines, {sample.height:,} households: {explained:.2f} s")

    # The rule's inputs, resolved per household the same way, handed to the other two implementations.
    pairs = households.select("region", "date").unique()
    res = resolve(pairs, params, ["dibao.standard.urban", "dibao.standard.rural"])
    std = (
        households.join(res, on=["region", "date"], how="left", maintain_order="left")
        .select(
            pl.when(pl.col("urban")).then(pl.col("p:dibao.standard.urban")).otherwise(pl.col("p:dibao.standard.rural"))
        )
        .to_series()
    )
    urban_std = {(r["region"], r["date"]): (r["p:dibao.standard.urban"], r["p:dibao.standard.rural"])
                 for r in res.iter_rows(named=True)}  # fmt: skip
    standards = {(reg, d, u): v[0] if u else v[1] for (reg, d), v in urban_std.items() for u in (True, False)}
    # Only the shipped multipliers are used by the simplified comparators; households of regions with
    # overridden add-ons are the same rule with other numbers.
    p = {"job": 1000, "months": 240_000, "severe": 2000, "illness": 2000, "elderly": 1000, "minor": 1000}

    k = min(args.python_sample, n)
    hh_rows = households.head(k).to_dicts()
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in persons.filter(pl.col("household_id") < k).to_dicts():
        members[m["household_id"]].append(m)
    t0 = time.perf_counter()
    plain = plain_python_dibao(hh_rows, members, standards, p)
    python_s = (time.perf_counter() - t0) * n / k
    print(f"plain Python 低保 rule: {k:,} households timed, extrapolated to {n:,}: {python_s:.1f} s "
          f"(excludes the to_dicts conversion)")  # fmt: skip

    print(f"\nratio plain Python / jiuzhu (jiuzhu doing all 9 programmes): {python_s / engine:.0f}×")
    if not args.no_openfisca:
        amounts, build, compute = openfisca_dibao(households, persons, std.to_numpy())
        print(f"OpenFisca-core 低保 model: build {build:.1f} s, inputs + calculate {compute:.2f} s, "
              f"peak maxrss {maxrss_mb():,.0f} MB")  # fmt: skip
        agree = sum(1 for hid, fen in plain.items() if amounts[hid] == fen)
        print(f"OpenFisca agrees with the plain Python rule on {agree:,} of {len(plain):,} sampled households")
        print(f"ratio OpenFisca (calculate only) / jiuzhu: {compute / engine:.1f}×; "
              f"including simulation build: {(build + compute) / engine:.1f}×")  # fmt: skip


if __name__ == "__main__":
    main()
