"""Properties over random households: never negative, never rising with income, ineligible means 0, and
a household alone gives the same answer as inside a big batch."""

import datetime as dt
import random

import polars as pl
from hypothesis import HealthCheck, given, settings
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household, st.integers(1, 200_000), st.integers(0, 4))
def test_more_income_never_means_more_money(h, extra, who):
    if not h["members"]:
        return
    richer = dict(h, members=[dict(m) for m in h["members"]])
    m = richer["members"][who % len(richer["members"])]
    m["income_transfer"] += extra
    before, after = run([h]).row(0, named=True), run([richer]).row(0, named=True)
    # Income-tested programmes only: the others (护理补贴, 高龄津贴, 孤儿) have no income test.
    for code in ("dibao_urban", "dibao_rural", "tekun_central", "tekun_dispersed"):
        assert after[f"{code}.monthly"] <= before[f"{code}.monthly"], code


def filler(rnd, n):
    """Plain random households around the probes, so the batch is big without Hypothesis drawing it."""
    out = []
    for _ in range(n):
        members = [
            {
                "birth_date": DAY - dt.timedelta(days=rnd.randrange(0, 36_500)),
                "income_wage": rnd.choice([0, 0, rnd.randrange(0, 300_000)]),
                "income_transfer": rnd.choice([0, rnd.randrange(0, 80_000)]),
                "rigid_medical": 0,
                "disability_grade": rnd.choice([None, None, None, 1, 2, 3, 4]),
                "disability_kind": rnd.choice(["physical", "mental"]),
                "serious_illness": rnd.random() < 0.05,
                "labor": rnd.choice(["full", "partial", "none"]),
                "adl_impossible": rnd.randrange(0, 7),
                "alive": rnd.random() < 0.97,
                "excluded": rnd.random() < 0.03,
                "supporter": rnd.choice(["none", "incapable", "capable", "capable"]),
                "orphan": rnd.choice(["none"] * 20 + ["orphan", "defacto"]),
                "institution": rnd.random() < 0.05,
                "prefers_dibao": rnd.random() < 0.05,
            }
            for _ in range(rnd.randrange(0, 6))
        ]
        out.append({"urban": rnd.random() < 0.5, "deposits": rnd.randrange(0, 3_000_000),
                    "vehicles": int(rnd.random() < 0.05), "homes": rnd.choice([0, 1, 1, 2]),
                    "business": rnd.random() < 0.03, "members": members})  # fmt: skip
    return out


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(household, min_size=1, max_size=4), st.integers(0, 2**32))
def test_a_household_alone_gives_the_same_answer_as_in_a_batch_of_thousands(probes, seed):
    rnd = random.Random(seed)
    households = filler(rnd, 3000)
    where = sorted(rnd.sample(range(len(households)), len(probes)))
    for at, probe in zip(where, probes, strict=True):
        households[at] = probe
    batch = run(households, explain=True)
    for at in [*where, 0, len(households) - 1]:
        alone = run([households[at]], explain=True).row(0, named=True)
        inside = batch.row(at, named=True)
        for key, value in alone.items():
            if key != "household_id":
                assert inside[key] == value, key
