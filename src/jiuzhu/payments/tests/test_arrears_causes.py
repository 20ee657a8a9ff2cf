"""The cause a back-pay or recovery line cites: the latest change of its household and programme in force in
its month (arrears._latest_cause), against a plain reading of that rule over random histories."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.payments.models import Cause
from jiuzhu.payments.services.arrears import _Key, _latest_cause

PROGRAMS = ["dibao", "tekun", "temporary"]
MONTHS = [dt.date(2026, m, 1) for m in range(1, 13)]
CAUSES = [c.value for c in Cause]

events_st = st.lists(
    st.tuples(st.integers(1, 5), st.sampled_from(PROGRAMS), st.sampled_from(MONTHS), st.sampled_from(CAUSES)),
    max_size=40,
)
lines_st = st.sets(st.tuples(st.integers(1, 5), st.sampled_from(PROGRAMS), st.sampled_from(MONTHS)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(events=events_st, lines=lines_st)
def test_the_cause_is_the_latest_change_of_the_pair_in_force(events, lines):
    ev = pl.DataFrame(
        [(h, p, m, c, i) for i, (h, p, m, c) in enumerate(events, start=1)],
        schema={
            "household_id": pl.Int64,
            "program": pl.String,
            "effective_month": pl.Date,
            "cause": pl.String,
            "id": pl.Int64,
        },
        orient="row",
    )
    key = _Key(sorted({p for _h, p, _m in lines}))
    diff = (
        pl.DataFrame(
            sorted(lines),
            schema={"household_id": pl.Int64, "program": pl.String, "service_month": pl.Date},
            orient="row",
        )
        .with_columns(key.full())
        .sort("k")
    )
    got = _latest_cause(diff.select("k", "household_id", "program", "service_month"), ev, key)
    for h, p, m, cause in got.select("household_id", "program", "service_month", "cause").iter_rows():
        in_force = [(em, i, c) for i, (eh, ep, em, c) in enumerate(events, start=1) if (eh, ep) == (h, p) and em <= m]
        assert cause == (max(in_force)[2] if in_force else None), (h, p, m)
    assert got.height == diff.height
