"""The engine against the executable reference (policy/rules/reference.py): the same 低保 money for random
households under random standards, ratios, add-ons and rounding modes."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.policy.rules import evaluate, params_for, params_frame
from jiuzhu.policy.rules.reference import dibao_monthly
from jiuzhu.policy.shipped import shipped_frame

REGION = "330727100001"
SHIPPED = shipped_frame()
KINDS = ["physical", "mental", "intellectual", "visual", "hearing", "speech", "multiple"]


def _yuan(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo * 100, hi * 100).map(lambda f: f"{f // 100}.{f % 100:02d}")


def _decimal(lo: int, hi: int, scale: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda v: str(v / scale))


parameters = st.fixed_dictionaries(
    {
        "dibao.standard.urban": _yuan(300, 1200),
        "dibao.standard.rural": _yuan(200, 1000),
        "dibao.rounding": st.sampled_from(["ceil_yuan", "round_yuan", "fen"]),
        "dibao.edge_ratio": _decimal(100, 250, 100),
        "dibao.job_cost_ratio": _decimal(0, 3000, 10_000),
        "dibao.assets.deposit_months": st.integers(6, 36).map(str),
        "dibao.assets.max_homes": st.integers(0, 2).map(str),
        "dibao.classified.elderly70": st.integers(0, 50).map(str),
        "dibao.classified.minor": st.integers(0, 50).map(str),
        "dibao.classified.disability_severe": st.integers(0, 50).map(str),
        "dibao.classified.serious_illness": st.integers(0, 50).map(str),
    }
)


def _money(high: int) -> st.SearchStrategy[int]:
    return st.one_of(st.just(0), st.integers(0, high))


member = st.fixed_dictionaries(
    {
        "birth_date": st.dates(dt.date(1915, 1, 1), dt.date(2025, 6, 1)),
        "income_wage": _money(300_000),
        "income_business": _money(150_000),
        "income_property": _money(30_000),
        "income_transfer": _money(100_000),
        "income_other": _money(20_000),
        "income_exempt": _money(20_000),
        "rigid_medical": _money(60_000),
        "rigid_rehab": _money(30_000),
        "disability_grade": st.one_of(st.none(), st.integers(1, 4)),
        "disability_kind": st.one_of(st.none(), st.sampled_from(KINDS)),
        "serious_illness": st.booleans(),
        "labor": st.sampled_from(["full", "partial", "none"]),
        "adl_impossible": st.integers(0, 6),
        "alive": st.sampled_from([True, True, True, False]),
        "excluded": st.sampled_from([False, False, False, True]),
        "supporter": st.sampled_from(["none", "incapable", "capable"]),
        "orphan": st.sampled_from(["none", "none", "none", "orphan", "defacto"]),
        "institution": st.booleans(),
        "prefers_dibao": st.booleans(),
    }
)
household = st.fixed_dictionaries(
    {
        "urban": st.booleans(),
        "deposits": st.one_of(st.just(0), st.integers(0, 3_000_000)),
        "vehicles": st.sampled_from([0, 0, 0, 1, 2]),
        "disability_vehicle": st.booleans(),
        "homes": st.sampled_from([0, 1, 1, 1, 2, 3]),
        "business": st.sampled_from([False, False, False, True]),
        "members": st.lists(member, min_size=0, max_size=5),
    }
)
PERSON_SCHEMA = {"disability_grade": pl.Int8, "disability_kind": pl.String, "adl_impossible": pl.Int8}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(household, min_size=1, max_size=6),
    parameters,
    st.sampled_from([dt.date(2025, 1, 1), dt.date(2025, 2, 28), dt.date(2025, 7, 1)]),
)
def test_the_engine_pays_the_references_dibao_money(households, values, day):
    since = dt.date(2024, 1, 1)
    params = pl.concat([SHIPPED, params_frame([("3307", k, v, since) for k, v in values.items()])])
    hh = [{k: v for k, v in h.items() if k != "members"} | {"household_id": i, "region": REGION, "date": day}
          for i, h in enumerate(households)]  # fmt: skip
    people = [m | {"household_id": i} for i, h in enumerate(households) for m in h["members"]]
    people = [m | {"person_id": n} for n, m in enumerate(people)]
    ps = pl.DataFrame(people, schema_overrides=PERSON_SCHEMA) if people else pl.DataFrame(
        schema={"person_id": pl.Int64, "household_id": pl.Int64, "birth_date": pl.Date}
    )  # fmt: skip
    out = evaluate(pl.DataFrame(hh), ps, params, explain=False).households
    engine = (out["dibao_urban.monthly"] + out["dibao_rural.monthly"]).to_list()
    p = params_for(params, region=REGION, date=day)
    reference = [dibao_monthly(h, [m for m in people if m["household_id"] == h["household_id"]], p) for h in hh]
    assert engine == reference
