"""One household through the engine, as its page asks (issue #11: ≤ 20 ms): the contexts of its (region, date)
are prepared once and kept, keyed by the parameter rows themselves, so a new value is used at once."""

import datetime as dt

import polars as pl

from jiuzhu.policy.rules import engine, evaluate, params_frame, terms
from jiuzhu.policy.shipped import shipped_frame
from jiuzhu.policy.tests.test_properties import big_batch

DAY = dt.date(2025, 1, 1)


def _one() -> tuple[pl.DataFrame, pl.DataFrame]:
    hh, ps = big_batch()
    # A rural 低保 household of the batch: the standard decides its amount.
    result = evaluate(hh.head(200), ps.filter(pl.col("household_id") < 400), shipped_frame(), date=DAY)
    hid = result.households.filter(pl.col("dibao_rural.monthly") > 0)["household_id"][0]
    return hh.filter(pl.col("household_id") == hid), ps.filter(pl.col("household_id") == hid)


def test_the_contexts_of_one_household_are_prepared_once(monkeypatch):
    hh, ps = _one()
    params = shipped_frame()
    calls: list[int] = []
    real = engine._contexts
    monkeypatch.setattr(engine, "_contexts", lambda resolved, entries: calls.append(1) or real(resolved, entries))
    engine._CONTEXT_CACHE.clear()
    first = evaluate(hh, ps, params, date=DAY, explain=True).households
    again = evaluate(hh, ps, params.clone(), date=DAY, explain=True).households
    assert first.equals(again)
    assert calls == [1]


def test_a_new_standard_is_used_at_once_without_invalidating_anything():
    hh, ps = _one()
    params = shipped_frame()
    before = evaluate(hh, ps, params, date=DAY, explain=True).households
    raised = pl.concat([params, params_frame([("", "dibao.standard.rural", "5000", DAY)])])
    after = evaluate(hh, ps, raised, date=DAY, explain=True).households
    assert after["dibao_rural.monthly"][0] > before["dibao_rural.monthly"][0]
    assert any("5000" in line for line in after["dibao_rural.explain"][0])
    # And back: the old rows give the old answer, from the cache.
    assert evaluate(hh, ps, params, date=DAY, explain=True).households.equals(before)


def test_the_cache_stays_small():
    hh, ps = _one()
    params = shipped_frame()
    engine._CONTEXT_CACHE.clear()
    for day in range(engine._CONTEXT_CACHE_SIZE + 20):
        evaluate(hh, ps, params, date=DAY + dt.timedelta(days=day), explain=False)
    assert len(engine._CONTEXT_CACHE) == engine._CONTEXT_CACHE_SIZE


def test_one_household_at_a_time_reads_as_in_a_large_run():
    # A large run plans every line whole; a run of a few households leaves out the branches its rows do not
    # take (fmt.pruned) and takes its own paths for one household: the same rows, to the character.
    hh, ps = big_batch()
    hh = hh.head(400)
    ps = ps.filter(pl.col("household_id").is_in(hh["household_id"].implode()))
    params = shipped_frame()
    for marked in (False, True):
        large = evaluate(hh, ps, params, date=DAY, marked=marked)
        assert hh.height > terms.SMALL_RUN
        for i in range(0, hh.height, 5):
            one, mine = hh.slice(i, 1), ps.filter(pl.col("household_id") == hh["household_id"][i])
            alone = evaluate(one, mine, params, date=DAY, marked=marked)
            assert alone.households.equals(large.households.slice(i, 1))
            assert alone.persons.equals(large.persons.filter(pl.col("household_id") == hh["household_id"][i]))
        few = evaluate(hh.slice(3, 4), ps, params, date=DAY, marked=marked)
        assert few.households.equals(large.households.slice(3, 4))
