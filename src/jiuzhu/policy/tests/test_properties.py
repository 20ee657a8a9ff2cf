"""Properties over random households: never negative, never rising with income, ineligible means 0, and
a household alone gives the same answer as inside a batch of 100 000, in any order."""

import datetime as dt
import functools
import random

import numpy as np
import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jiuzhu.policy.rules import MONTHLY_PROGRAMS, evaluate
from jiuzhu.policy.shipped import shipped_frame

DAY = dt.date(2025, 1, 1)
PARAMS = shipped_frame()

member = st.fixed_dictionaries(
    {
        "birth_date": st.dates(dt.date(1915, 1, 1), DAY),
        "income_wage": st.integers(0, 300_000),
        "income_transfer": st.integers(0, 100_000),
        "rigid_medical": st.integers(0, 50_000),
        "disability_grade": st.one_of(st.none(), st.integers(1, 4)),
        "disability_kind": st.sampled_from(["physical", "mental", "intellectual", "visual", "multiple"]),
        "serious_illness": st.booleans(),
        "labor": st.sampled_from(["full", "partial", "none"]),
        "adl_impossible": st.integers(0, 6),
        "alive": st.booleans(),
        "excluded": st.booleans(),
        "supporter": st.sampled_from(["none", "incapable", "capable"]),
        "orphan": st.sampled_from(["none", "none", "none", "orphan", "defacto"]),
        "institution": st.booleans(),
        "prefers_dibao": st.booleans(),
    }
)
household = st.fixed_dictionaries(
    {
        "urban": st.booleans(),
        "deposits": st.integers(0, 3_000_000),
        "vehicles": st.integers(0, 1),
        "homes": st.integers(0, 2),
        "business": st.booleans(),
        "members": st.lists(member, min_size=0, max_size=5),
    }
)


def frames(households):
    hh = pl.DataFrame([{k: v for k, v in h.items() if k != "members"} | {"household_id": i}
                       for i, h in enumerate(households)])  # fmt: skip
    rows = []
    for i, h in enumerate(households):
        for j, m in enumerate(h["members"]):
            m = dict(m, label=f"成员{j + 1}")
            if m["disability_grade"] is None:
                m["disability_kind"] = None
            rows.append(m | {"household_id": i, "person_id": len(rows)})
    schema = {"person_id": pl.Int64, "household_id": pl.Int64, "birth_date": pl.Date,
              "disability_grade": pl.Int8, "disability_kind": pl.String, "label": pl.String}  # fmt: skip
    ps = pl.DataFrame(rows, schema_overrides=schema) if rows else pl.DataFrame(schema=schema)
    return hh, ps


def run(households, explain=False):
    hh, ps = frames(households)
    out = evaluate(hh, ps, PARAMS, date=DAY, explain=explain).households
    if not explain or not ps.height:
        return out
    # Person ids depend on the batch; labels (成员1, 成员2…) do not, so compare those.
    labels = dict(ps.select("person_id", "label").iter_rows())
    persons = [c for c in out.columns if c.endswith(".persons")]
    return out.with_columns(
        pl.col(c).list.eval(pl.element().replace_strict(labels, return_dtype=pl.String)) for c in persons
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(household, min_size=1, max_size=20))
def test_amounts_are_never_negative_and_ineligible_means_zero(households):
    out = run(households)
    for code in MONTHLY_PROGRAMS:
        assert (out[f"{code}.monthly"] >= 0).all()
        assert (out.filter(~pl.col(f"{code}.eligible"))[f"{code}.monthly"] == 0).all()


INCOME_TESTED = ("dibao_urban", "dibao_rural", "tekun_central", "tekun_dispersed")
# A 15-year-old paid as 特困 leaves the 特困 list when their own income reaches the standard and joins the
# household's 低保: 低保 alone rises, the household's income-tested total falls.
CARVE_OUT = {
    "urban": False, "deposits": 0, "vehicles": 0, "homes": 0, "business": False,
    "members": [
        {"birth_date": dt.date(2000, 1, 1), "income_wage": 0, "income_transfer": 0, "rigid_medical": 0,
         "disability_grade": None, "disability_kind": "physical", "serious_illness": False, "labor": "full",
         "adl_impossible": 0, "alive": True, "excluded": False, "supporter": "none", "orphan": "none",
         "institution": False, "prefers_dibao": False},
        {"birth_date": dt.date(2009, 1, 2), "income_wage": 0, "income_transfer": 0, "rigid_medical": 0,
         "disability_grade": None, "disability_kind": "physical", "serious_illness": False, "labor": "full",
         "adl_impossible": 0, "alive": True, "excluded": False, "supporter": "none", "orphan": "none",
         "institution": False, "prefers_dibao": False},
    ],
}  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household, st.integers(1, 200_000), st.integers(0, 4))
@example(CARVE_OUT, 39_600, 1)
def test_more_income_never_means_more_money(h, extra, who):
    """The household's income-tested total (低保 with 单人保, and 特困) never rises with income — except
    where the rules themselves step: a household that leaves 低保 for 低保边缘 may have a member covered
    alone by 单人保 for more than the household's remaining gap (see the 单人保 golden cases)."""
    if not h["members"]:
        return
    richer = dict(h, members=[dict(m) for m in h["members"]])
    m = richer["members"][who % len(richer["members"])]
    m["income_transfer"] += extra
    before, after = run([h]).row(0, named=True), run([richer]).row(0, named=True)
    # Income-tested programmes only: the others (护理补贴, 高龄津贴, 孤儿) have no income test.
    total_before = sum(before[f"{code}.monthly"] for code in INCOME_TESTED)
    total_after = sum(after[f"{code}.monthly"] for code in INCOME_TESTED)
    if before["class"] == "dibao" and after["class"] == "edge":
        return
    assert total_after <= total_before, (before["class"], after["class"])


def test_the_single_person_step_is_the_rules_own():
    """Two people: a grade-1 disabled adult without income and a worker. Just under the standard the
    household gets the small gap; a little more wage makes it 低保边缘 and the disabled member is covered
    alone by 单人保 for the whole standard plus the add-on — more money for more income, as the rules read."""
    worker = {"birth_date": dt.date(1985, 1, 1), "income_wage": 0, "income_transfer": 104_000}
    disabled = {"birth_date": dt.date(1980, 1, 1), "disability_grade": 1, "disability_kind": "physical",
                "labor": "none", "supporter": "capable"}  # fmt: skip
    member = dict.fromkeys(("income_wage", "income_transfer", "rigid_medical"), 0) | {
        "disability_grade": None, "disability_kind": None, "serious_illness": False, "labor": "full",
        "adl_impossible": 0, "alive": True, "excluded": False, "supporter": "capable", "orphan": "none",
        "institution": False, "prefers_dibao": False,
    }  # fmt: skip
    base = {"urban": True, "deposits": 0, "vehicles": 0, "homes": 1, "business": False}
    poorer = run([base | {"members": [member | disabled, member | worker]}]).row(0, named=True)
    richer_worker = member | worker | {"income_transfer": 110_000}
    richer = run([base | {"members": [member | disabled, richer_worker]}]).row(0, named=True)
    assert (poorer["class"], richer["class"]) == ("dibao", "edge")
    assert richer["dibao_urban.monthly"] > poorer["dibao_urban.monthly"]


@functools.cache
def big_batch(n: int = 100_000) -> tuple[pl.DataFrame, pl.DataFrame]:
    """100 000 plain random households (about 2.5 persons each) with even ids, so probes with odd ids
    can be slipped in anywhere. Built column-wise: Hypothesis draws only the probes."""
    rng = np.random.default_rng(2025)
    sizes = rng.choice([0, 1, 2, 3, 4, 5], size=n, p=[0.02, 0.2, 0.3, 0.22, 0.16, 0.1])
    hid = np.repeat(np.arange(n) * 2, sizes)
    m = len(hid)
    hh = pl.DataFrame({
        "household_id": np.arange(n) * 2, "urban": rng.random(n) < 0.5, "deposits": rng.integers(0, 3_000_000, n),
        "vehicles": (rng.random(n) < 0.05).astype(np.int64), "homes": rng.choice([0, 1, 1, 2], n),
        "business": rng.random(n) < 0.03,
    })  # fmt: skip
    grade = pl.Series(rng.choice([1, 2, 3, 4], m), dtype=pl.Int8).set(pl.Series(rng.random(m) < 0.85), None)
    ps = pl.DataFrame(
        {
            "person_id": np.arange(m),
            "household_id": hid,
            "birth_date": np.datetime64(DAY) - rng.integers(0, 36_500, m).astype("timedelta64[D]"),
            "income_wage": np.where(rng.random(m) < 0.6, rng.integers(0, 300_000, m), 0),
            "income_transfer": np.where(rng.random(m) < 0.5, rng.integers(0, 80_000, m), 0),
            "rigid_medical": np.where(rng.random(m) < 0.05, rng.integers(0, 50_000, m), 0),
            "disability_grade": grade,
            "disability_kind": rng.choice(["physical", "mental", "intellectual"], m),
            "serious_illness": rng.random(m) < 0.05,
            "labor": rng.choice(["full", "partial", "none"], m),
            "adl_impossible": rng.integers(0, 7, m),
            "alive": rng.random(m) < 0.97,
            "excluded": rng.random(m) < 0.03,
            "supporter": rng.choice(["none", "incapable", "capable", "capable"], m),
            "orphan": rng.choice(["none"] * 20 + ["orphan", "defacto"], m),
            "institution": rng.random(m) < 0.05,
            "prefers_dibao": rng.random(m) < 0.05,
        }
    ).with_columns(
        disability_kind=pl.when(pl.col("disability_grade").is_not_null()).then("disability_kind"),
        label=pl.format("成员{}", pl.col("person_id")),
    )
    return hh, ps


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(household, min_size=1, max_size=4), st.integers(0, 2**32))
def test_a_household_alone_gives_the_same_answer_as_in_a_batch_of_100_000(probes, seed):
    big_hh, big_ps = big_batch()
    rnd = random.Random(seed)
    slots = rnd.sample(range(big_hh.height), len(probes))
    hh, ps = frames(probes)
    # Odd ids put each probe between two of the batch's households; person ids above the batch's.
    new_id = pl.col("household_id").replace_strict(dict(enumerate(2 * s + 1 for s in slots)), return_dtype=pl.Int64)
    hh = hh.with_columns(new_id)
    ps = ps.with_columns(new_id, pl.col("person_id") + 10_000_000)
    batch_hh = pl.concat([big_hh, hh], how="diagonal_relaxed").sort("household_id")
    batch_ps = pl.concat([big_ps, ps], how="diagonal_relaxed").sort("household_id", "person_id")
    batch = evaluate(batch_hh, batch_ps, PARAMS, date=DAY, explain=True).households
    assert batch.height == big_hh.height + len(probes)
    for i in range(len(probes)):
        hid = hh["household_id"][i]
        alone = evaluate(hh.filter(pl.col("household_id") == hid), ps.filter(pl.col("household_id") == hid),
                         PARAMS, date=DAY, explain=True).households  # fmt: skip
        assert batch.filter(pl.col("household_id") == hid).equals(alone)


def test_the_order_of_the_rows_does_not_change_any_answer():
    """Households and persons in any order (the engine's slow path) give what the sorted input gives
    (its fast path), row for row by household."""
    hh, ps = big_batch()
    hh, ps = hh.head(20_000), ps.filter(pl.col("household_id") < 40_000)
    ordered = evaluate(hh, ps, PARAMS, date=DAY, explain=True).households
    shuffled = evaluate(hh.sample(fraction=1, shuffle=True, seed=1), ps.sample(fraction=1, shuffle=True, seed=2),
                        PARAMS, date=DAY, explain=True).households  # fmt: skip
    # Within a household, persons keep the order they came in: lists are compared as sets.
    lists = [c for c, t in ordered.schema.items() if isinstance(t, pl.List)]
    as_sets = [pl.col(c).list.sort() for c in lists]
    assert shuffled.sort("household_id").with_columns(as_sets).equals(ordered.with_columns(as_sets))
