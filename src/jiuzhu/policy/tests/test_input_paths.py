"""The three ways into the engine give one answer: a household read from the registry, the same household
kept as a case's snapshot, and the same household written as `jiuzhu calc` JSON (policy.rules.frames)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.conftest import id_for
from jiuzhu.policy import calc, inputs
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, evaluate
from jiuzhu.policy.rules.frames import (
    DISABILITY_KINDS,
    HOUSEHOLD_FIELDS,
    LABOR,
    ORPHAN,
    PERSON_FIELDS,
    SUPPORTER,
    Kind,
)
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.registry.models import DisabilityKind, Labor, OrphanKind, Person, Relation, Supporter
from jiuzhu.registry.services import MemberInput, household_register

DAY = dt.date(2026, 6, 1)
NAMES = ("张一", "李二", "王三", "赵四", "钱五")
INCOMES = [f for f in PERSON_FIELDS if f.kind is Kind.MONEY]


def test_the_schema_allows_what_the_registry_records():
    assert set(DISABILITY_KINDS) == set(DisabilityKind.values)
    assert set(LABOR) == set(Labor.values) and set(SUPPORTER) == set(Supporter.values)
    assert set(ORPHAN) == set(OrphanKind.values)
    model_fields = {f.name for f in Person._meta.get_fields()}
    assert {f.name for f in PERSON_FIELDS} <= model_fields


money = st.one_of(st.just(0), st.integers(0, 400_000)).map(lambda fen: Decimal(fen) / 100)
member = st.fixed_dictionaries(
    {
        "birth_date": st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31)),
        "disability": st.one_of(st.none(), st.tuples(st.sampled_from(DISABILITY_KINDS), st.integers(1, 4))),
        "serious_illness": st.booleans(),
        "labor": st.sampled_from(LABOR),
        "adl_impossible": st.integers(0, 6),
        "student": st.booleans(),
        "excluded": st.sampled_from([False, False, False, True]),
        "supporter": st.sampled_from(SUPPORTER),
        "orphan": st.sampled_from(ORPHAN),
        "institution": st.booleans(),
        "prefers_dibao": st.booleans(),
        # Deaths before, on and after the day of the calculation.
        "death": st.one_of(st.none(), st.none(), st.integers(-400, 400).map(lambda d: DAY + dt.timedelta(days=d))),
        "money": st.fixed_dictionaries({f.name: st.one_of(st.just(Decimal(0)), money) for f in INCOMES}),
    }
)
household = st.fixed_dictionaries(
    {
        "area": st.sampled_from(["urban", "rural"]),
        "deposits": st.one_of(st.just(Decimal(0)), money.map(lambda y: y * 10)),
        "vehicles": st.sampled_from([0, 0, 0, 1, 2]),
        "disability_vehicle": st.booleans(),
        "homes": st.sampled_from([0, 1, 1, 1, 2]),
        "business": st.sampled_from([False, False, False, True]),
        "members": st.lists(member, min_size=1, max_size=len(NAMES)),
    }
)


def _register(admin: Any, village: Any, h: dict[str, Any]) -> Any:
    members = []
    for i, m in enumerate(h["members"]):
        fields = {
            k: m[k]
            for k in ("serious_illness", "labor", "adl_impossible", "student", "excluded", "supporter", "orphan",
                      "institution", "prefers_dibao")
        } | m["money"]  # fmt: skip
        if m["disability"]:
            fields |= {"disability_kind": m["disability"][0], "disability_grade": m["disability"][1]}
        if m["death"] and m["death"] >= m["birth_date"]:
            fields["date_of_death"] = m["death"]
        relation = Relation.SELF if i == 0 else Relation.OTHER
        members.append(MemberInput(NAMES[i], id_for(m["birth_date"], male=i % 2 == 0), relation, fields))
    assets = {k: h[k] for k in ("deposits", "vehicles", "disability_vehicle", "homes", "business")}
    return household_register(actor=admin, village=village, area=h["area"], members=members, **assets)


def _calc_json(h: dict[str, Any], registered: Any) -> dict[str, Any]:
    """The household in the calc contract, written from the generated data, not from the database."""
    persons = list(registered.members.order_by("id"))
    members = []
    for i, (m, p) in enumerate(zip(h["members"], persons, strict=True)):
        out: dict[str, Any] = {
            "id": NAMES[i],
            "birth_date": p.birth_date.isoformat(),  # the ID number's birth date, as the registry keeps it
            **{k: m[k] for k in ("serious_illness", "labor", "adl_impossible", "student", "excluded", "supporter",
                                 "orphan", "institution", "prefers_dibao")},
            "income": {f.json.split(".")[1]: str(m["money"][f.name]) for f in INCOMES if f.json.startswith("income.")},
            "rigid_expense": {f.json.split(".")[1]: str(m["money"][f.name]) for f in INCOMES
                              if f.json.startswith("rigid_expense.")},
        }  # fmt: skip
        if m["disability"]:
            out["disability"] = {"kind": m["disability"][0], "grade": m["disability"][1]}
        if p.date_of_death:
            out["date_of_death"] = p.date_of_death.isoformat()
        members.append(out)
    assets = {f.json.split(".")[1]: _json(h[f.name]) for f in HOUSEHOLD_FIELDS if (f.json or "").startswith("assets.")}
    house = {"id": "H", "area": h["area"], "assets": assets, "members": members}
    return {"date": DAY.isoformat(), "households": [house]}


def _json(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _answers(frame: pl.DataFrame, names: dict[int, str]) -> dict[str, Any]:
    row = frame.row(0, named=True)
    out: dict[str, Any] = {"per_capita": row["per_capita"], "class": row["class"]}
    for code in MONTHLY_PROGRAMS:
        out[code] = (row[f"{code}.eligible"], row[f"{code}.monthly"], sorted(names[p] for p in row[f"{code}.persons"]),
                     row[f"{code}.explain"])  # fmt: skip
    return out


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(h=household)
def test_registry_snapshot_and_calc_json_give_the_same_answer(standards, admin, h):
    registered = _register(admin, standards.village_a1, h)
    params = parameters_frame(regions=[registered.region])
    names = {p.pk: p.name for p in registered.members.all()}

    db = evaluate(*inputs.household_frames(household=registered, date=DAY), params).households
    snapshot = {
        "household": inputs.household_record(registered),
        "members": [inputs.person_record(p) for p in registered.members.order_by("id")],
    }
    snap = evaluate(*inputs.snapshot_frames(snapshot, DAY), params).households
    parsed = calc.parse(_calc_json(h, registered))
    as_json = evaluate(parsed.households, parsed.persons, calc.parameters_with(parsed.overrides)).households

    expected = _answers(db, names)
    assert _answers(snap, names) == expected
    assert _answers(as_json, dict(enumerate(NAMES))) == expected


def test_a_person_who_dies_after_the_day_is_counted_on_it_and_a_grade_without_a_kind_is_ignored():
    from jiuzhu.policy.rules.frames import engine_frames, typed_schema

    people = pl.DataFrame(
        [
            {"id": 1, "household_id": 1, "birth_date": dt.date(1950, 1, 1), "date_of_death": DAY + dt.timedelta(1),
             "disability_kind": "", "disability_grade": 1},
            {"id": 2, "household_id": 1, "birth_date": dt.date(1950, 1, 1), "date_of_death": DAY,
             "disability_kind": "physical", "disability_grade": 2},
        ],
        schema={k: v for k, v in typed_schema(PERSON_FIELDS, {"id": pl.Int64, "household_id": pl.Int64}).items()
                if k in ("id", "household_id", "birth_date", "date_of_death", "disability_kind", "disability_grade")},
    )  # fmt: skip
    full = people.with_columns(
        **{f.name: pl.lit(f.default, dtype=f.engine_dtype) for f in PERSON_FIELDS if f.name not in people.columns}
    )
    hh = pl.DataFrame({"id": [1], "area": ["urban"]}).with_columns(
        **{f.name: pl.lit(f.default, dtype=f.engine_dtype) for f in HOUSEHOLD_FIELDS if f.name != "area"}
    )
    _h, persons = engine_frames(hh, full, DAY)
    assert persons["alive"].to_list() == [True, False]
    assert persons["disability_grade"].to_list() == [None, 2]
    assert persons["disability_kind"].to_list() == [None, "physical"]
