"""A programme is one entry: a toy per-person programme registered alone is evaluated like the real ones,
whatever its number of tiers, in every region with that region's values."""

import datetime as dt

import polars as pl
import pytest

from jiuzhu.policy.rules import MONTHLY_PROGRAMS, PARAMETER_SPECS, PROGRAMS, evaluate, fmt, params_frame
from jiuzhu.policy.rules.catalogue import REGISTRY
from jiuzhu.policy.rules.entry import Periodicity, PersonRule, Program, Registry, Unit, paid
from jiuzhu.policy.rules.programs import dibao
from jiuzhu.policy.rules.terms import who
from jiuzhu.policy.shipped import shipped_frame

DAY = dt.date(2025, 1, 1)
# Existing money keys serve as the toy's tiers, so the parameters need no new declaration.
TWO = ("canji.huli.grade1", "canji.huli.grade2")
FOUR = ("gaoling.age80", "gaoling.age90", "gaoling.age100", "laonian.amount")
REGIONS = {"330727": 10, "330782": 20}  # the tier values of a region: 10 + tier + 1 元, 20 + tier + 1 元


def toy(code: str, tiers: tuple[str, ...]) -> Program:
    adl = pl.col("adl_impossible")
    return Program(
        code, "玩具补贴", Unit.PERSON, Periodicity.MONTHLY, keys=tiers,
        person=PersonRule(
            tiers=tiers,
            # The tier is the person's adl_impossible where it names one, otherwise nothing is paid.
            tier=pl.when(pl.col("member") & (adl < len(tiers))).then(adl.cast(pl.Int64)),
            line=fmt.text(who(), "玩具补贴 ", fmt.yuan(paid(code)), " 元"),
        ),
    )  # fmt: skip


def params(tiers: tuple[str, ...]) -> pl.DataFrame:
    since = dt.date(2024, 1, 1)
    rows = [(region, key, str(base + i + 1), since) for region, base in REGIONS.items() for i, key in enumerate(tiers)]
    return pl.concat([shipped_frame(), params_frame(rows)])


def households(tiers: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """In each region an urban and a rural household, each with one member per tier and one beyond."""
    hh, ps = [], []
    for region in REGIONS:
        for urban in (True, False):
            hid = len(hh) + 1
            hh.append({"household_id": hid, "region": f"{region}100001", "urban": urban})
            for adl in range(tiers + 1):
                ps.append({"person_id": len(ps) + 1, "household_id": hid, "birth_date": dt.date(1990, 1, 1),
                           "adl_impossible": adl, "income_wage": 500_000})  # fmt: skip
    return pl.DataFrame(hh), pl.DataFrame(ps, schema_overrides={"adl_impossible": pl.Int8})


@pytest.mark.parametrize("tiers", [TWO, FOUR], ids=["two tiers", "four tiers"])
def test_a_toy_programme_pays_each_tier_with_the_persons_own_regions_value(tiers):
    registry = Registry((dibao.URBAN, dibao.RURAL, toy("toy", tiers)))
    hh, ps = households(len(tiers))
    out = evaluate(hh, ps, params(tiers), date=DAY, registry=registry)
    region_of = {r["household_id"]: r["region"][:6] for r in hh.iter_rows(named=True)}
    expected = [
        (REGIONS[region_of[hid]] + adl + 1) * 100 if adl < len(tiers) else 0
        for hid, adl in ps.select("household_id", "adl_impossible").iter_rows()
    ]
    assert out.persons["a:toy"].to_list() == expected
    rows = out.households.sort("household_id").iter_rows(named=True)
    for row in rows:
        per_tier = [REGIONS[region_of[row["household_id"]]] + i + 1 for i in range(len(tiers))]
        assert row["toy.monthly"] == sum(per_tier) * 100
        assert row["toy.eligible"] is True
        assert len(row["toy.persons"]) == len(tiers)
        assert [line.split("玩具补贴 ")[1] for line in row["toy.explain"]] == [f"{v} 元" for v in per_tier]


def test_the_engine_lists_derive_from_the_entries():
    assert tuple(p.code for p in PROGRAMS if p.household or p.person) == MONTHLY_PROGRAMS
    assert REGISTRY.keys == [
        k for k in PARAMETER_SPECS if any(k in p.keys for p in PROGRAMS if p.household or p.person)
    ]
    assert all(k in PARAMETER_SPECS for p in PROGRAMS for k in p.keys)


def test_a_registry_evaluates_only_its_own_entries():
    registry = Registry((dibao.URBAN, dibao.RURAL, toy("toy", TWO)))
    hh, ps = households(2)
    out = evaluate(hh, ps, params(TWO), date=DAY, registry=registry, explain=False)
    assert [c for c in out.households.columns if c.endswith(".monthly")] == [
        "dibao_urban.monthly",
        "dibao_rural.monthly",
        "toy.monthly",
    ]


def test_an_entry_reading_an_undeclared_parameter_is_refused():
    with pytest.raises(ValueError, match=r"not declared in params\.py"):
        Registry((toy("toy", ("toy.amount",)),))


def test_an_entry_not_listing_its_tiers_keys_is_refused():
    entry = toy("toy", TWO)
    with pytest.raises(ValueError, match="does not list its tiers"):
        Registry((Program("toy", "玩具补贴", Unit.PERSON, Periodicity.MONTHLY, person=entry.person),))


def test_the_line_between_partly_and_fully_dependent_is_the_countys_parameter():
    """四 activities impossible: fully dependent under the shipped line (3), partly where a county sets 4."""
    import datetime as dt

    from jiuzhu.policy.calc import parameters_with
    from jiuzhu.policy.rules import evaluate

    households = pl.DataFrame({"household_id": [1], "urban": [True], "date": [dt.date(2026, 6, 1)]})
    persons = pl.DataFrame(
        {"person_id": [1], "household_id": [1], "birth_date": [dt.date(1940, 1, 1)], "labor": ["none"],
         "supporter": ["none"], "adl_impossible": [4]}
    )  # fmt: skip
    shipped = evaluate(households, persons, parameters_with({}), explain=True).households
    local = evaluate(
        households, persons, parameters_with({"tekun.care.partly_max_impossible": "4"}), explain=True
    ).households
    assert shipped["tekun_dispersed.monthly"][0] - local["tekun_dispersed.monthly"][0] == 80_000 - 40_000
    assert "完全失能照料护理费 800 元" in " ".join(shipped["tekun_dispersed.explain"][0])
    assert "部分失能照料护理费 400 元" in " ".join(local["tekun_dispersed.explain"][0])
