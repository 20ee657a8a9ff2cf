from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import polars as pl
import pytest

from jiuzhu.core.idcard import parse_id_number
from jiuzhu.demo.generator import STANDARD_RURAL, STANDARD_URBAN, DemoData, generate
from jiuzhu.demo.layout import allocate_households, county_layout
from jiuzhu.demo.tables import assign_sequences, id_numbers
from jiuzhu.registry.services import HOUSEHOLD_FRAME, PERSON_FRAME

TODAY = dt.date(2026, 3, 1)


@cache
def county(households: int = 5000, seed: int = 1) -> DemoData:
    return generate(households=households, seed=seed, today=TODAY)


def test_same_seed_same_frames_other_seed_other_frames() -> None:
    a = generate(households=400, seed=7, today=TODAY)
    b = generate(households=400, seed=7, today=TODAY)
    c = generate(households=400, seed=8, today=TODAY)
    assert a.households.equals(b.households) and a.persons.equals(b.persons)
    assert not a.persons.equals(c.persons)
    assert a.persons["name"].to_list() != c.persons["name"].to_list()


def test_frames_have_the_bulk_path_columns() -> None:
    data = county()
    assert set(HOUSEHOLD_FRAME) - set(data.households.columns) == {"region_id"}
    assert set(data.persons.columns) == set(PERSON_FRAME)
    assert data.households.height == 5000
    assert int(data.members.sum()) == data.persons.height


def test_every_id_number_valid_unique_and_consistent_with_birth_date_and_sex() -> None:
    p = county().persons
    assert p["id_number"].n_unique() == p.height
    for number, birth, sex in p.select("id_number", "birth_date", "sex").iter_rows():
        parsed = parse_id_number(number, today=TODAY)
        assert (parsed.birth_date, parsed.sex) == (birth, sex)
    assert (p["birth_date"] < TODAY).all()
    assert (p["id_number"].str.slice(0, 6) == "330727").mean() > 0.85  # most were born in the county


def test_sequences_stay_unique_when_one_day_overflows() -> None:
    n = 1300  # more men born on one day in one county than 500 sequence numbers allow
    region6, seq3 = assign_sequences(np.full(n, 330727), np.full(n, 3000), np.ones(n, dtype=bool))
    pairs = set(zip(region6.tolist(), seq3.tolist(), strict=True))
    assert len(pairs) == n
    assert (seq3 % 2 == 1).all() and (seq3 < 1000).all()
    assert (region6 != 330727).sum() == n - 500
    numbers = id_numbers(region6, np.full(n, 3000), seq3)
    assert numbers.n_unique() == n
    assert all(parse_id_number(x).sex == "M" for x in numbers.to_list()[:50])


def _ages(p: pl.DataFrame) -> pl.DataFrame:
    return p.with_columns(age=((pl.lit(TODAY) - pl.col("birth_date")).dt.total_days() / 365.2425))


def test_household_shapes_are_sane() -> None:
    p = _ages(county().persons)
    heads = p.group_by("household_number").agg((pl.col("relation") == "self").sum().alias("n"))
    assert (heads["n"] == 1).all()
    head = p.filter(pl.col("relation") == "self").select("household_number", head_age="age")
    spouses = p.filter(pl.col("relation") == "spouse")
    assert (spouses["age"] >= 19.99).all()
    assert (spouses.group_by("household_number").len()["len"] == 1).all()
    j = p.join(head, on="household_number")
    children = j.filter(pl.col("relation").is_in(["son", "daughter"]))
    assert (children["head_age"] - children["age"] >= 17).all()
    parents = j.filter(pl.col("relation").is_in(["father", "mother"]))
    assert (parents["age"] - parents["head_age"] >= 17).all()
    grand = j.filter(pl.col("relation").is_in(["grandson", "granddaughter"]))
    assert (grand["head_age"] - grand["age"] >= 35).all()
    # A grandchild is younger than the head's child living in the household.
    middle = (
        p.filter(pl.col("relation").is_in(["son", "daughter", "son_in_law", "daughter_in_law"]))
        .group_by("household_number")
        .agg(youngest_parent=pl.col("age").max())
    )
    with_parent = grand.join(middle, on="household_number")
    assert (with_parent["youngest_parent"] > with_parent["age"]).all()
    sizes = county().members
    assert 2.3 < sizes.mean() < 3.3
    assert (sizes == 1).mean() > 0.1  # old people alone and single adults


def test_disability_illness_and_deaths_at_realistic_shares() -> None:
    p = county().persons
    disabled = p.filter(pl.col("disability_kind") != "")
    assert 0.05 <= disabled.height / p.height <= 0.07
    grades = disabled["disability_grade"].value_counts(normalize=True).sort("disability_grade")["proportion"]
    assert np.allclose(grades.to_numpy(), [0.1, 0.2, 0.3, 0.4], atol=0.05)
    assert disabled["disability_kind"].mode().to_list() == ["physical"]
    assert disabled["disability_cert"].str.len_chars().unique().to_list() == [20]
    assert p.filter(pl.col("disability_kind") == "")["disability_grade"].is_null().all()
    assert 0.01 <= p["serious_illness"].mean() <= 0.03  # type: ignore[operator]
    dead = p.filter(pl.col("date_of_death").is_not_null())
    assert 0.005 <= dead.height / p.height <= 0.015
    assert (dead["date_of_death"] >= TODAY - dt.timedelta(days=731)).all()
    assert (dead["date_of_death"] >= dead["birth_date"]).all()
    a = _ages(p)
    students = a.filter(pl.col("student"))
    assert students["age"].min() >= 6 and students["age"].max() < 23  # type: ignore[operator]
    assert (a.filter(pl.col("age") < 16)["labor"] == "none").all()
    assert (a.filter(pl.col("disability_grade") <= 2)["labor"] == "none").all()
    assert a["orphan"].is_in(["orphan", "defacto"]).sum() > 0


def test_a_realistic_share_of_households_is_under_the_dibao_standard() -> None:
    data = county()
    kinds = ("income_wage", "income_business", "income_property", "income_transfer", "income_other")
    income = pl.sum_horizontal(pl.col(c).cast(pl.Float64) for c in kinds)
    per = (
        data.persons.filter(pl.col("date_of_death").is_null())
        .group_by("household_number")
        .agg(
            total=income.sum()
            - pl.col("rigid_medical").cast(pl.Float64).sum()
            - pl.col("rigid_rehab").cast(pl.Float64).sum(),
            n=pl.len(),
        )
        .join(data.households.select(pl.col("number").alias("household_number"), "area"), on="household_number")
        .with_columns(standard=pl.when(pl.col("area") == "urban").then(STANDARD_URBAN).otherwise(STANDARD_RURAL))
    )
    below = (per["total"] / per["n"] < per["standard"]).mean()
    assert 0.04 <= below <= 0.06  # type: ignore[operator]


def test_contact_and_assets_look_real() -> None:
    h = county().households
    phones = h.filter(pl.col("phone") != "")["phone"]
    assert phones.str.contains(r"^1[3-9]\d{9}$").all()
    accounts = h.filter(pl.col("bank_account") != "")["bank_account"]
    assert accounts.str.contains(r"^\d{19}$").all()
    assert (h.filter(pl.col("bank_account") != "")["bank_name"] != "").all()
    assert h["number"].n_unique() == h.height
    assert (h["number"].str.slice(0, 12) == h["region_code"]).all()
    assert h["address"].str.contains("组|号").all()
    assert set(h["area"].unique()) == {"urban", "rural"}
    assert (h["homes"] == 1).mean() > 0.8  # type: ignore[operator]


@pytest.mark.parametrize("households", [300, 20_000, 1_000_000])
def test_villages_scale_with_households(households: int) -> None:
    places = county_layout(households)
    codes = [p.code for p in places]
    assert len(set(codes)) == len(codes) and all(len(c) == 12 and c.isdigit() for c in codes)
    assert codes[:3] == ["330000000000", "330700000000", "330727000000"]
    villages = [p for p in places if p.is_village]
    names = [p.name for p in villages]
    assert len(set(names)) == len(names)
    for v in villages:
        serial = int(v.code[9:])
        if v.name.endswith("社区"):
            assert 1 <= serial <= 99 and v.urban_rural in {"111", "112", "121"}
        else:
            assert v.name.endswith("村") and serial >= 201 and v.urban_rural in {"210", "220"}
    counts = allocate_households(places, households, np.random.default_rng(1))
    assert counts.sum() == households
    assert counts.max() <= 1500
    if households == 20_000:
        assert 150 <= counts.mean() <= 500  # a few hundred households a village
