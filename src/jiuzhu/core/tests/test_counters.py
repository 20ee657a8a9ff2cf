"""Serial series raised in bulk (core.counters.counters_raise): what an import that numbered its own households
does to each village's series, for thousands of villages at once."""

import threading

import pytest
from django.db import connection, connections, transaction

from jiuzhu.core.counters import counters_raise
from jiuzhu.core.models import Counter


def _values(kind: str) -> dict[str, int]:
    return dict(Counter.objects.filter(kind=kind).values_list("key", "value"))


@pytest.mark.django_db
def test_missing_series_are_created_and_a_series_only_moves_up():
    Counter.objects.create(kind="household", key="b", value=50)
    with transaction.atomic():
        counters_raise(kind="household", highest={"c": 0, "a": 7, "b": 3})
    assert _values("household") == {"a": 7, "b": 50, "c": 0}


@pytest.mark.django_db
def test_more_series_than_one_statement_takes():
    highest = {f"3307{i:08d}": i for i in range(1, 1201)}
    with transaction.atomic():
        counters_raise(kind="household", highest=highest)
    assert _values("household") == highest


def test_counters_raise_needs_a_transaction():
    with pytest.raises(RuntimeError):
        counters_raise(kind="household", highest={"a": 1})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_raising_the_same_series_at_once_both_finish():
    """Two bulk writers over overlapping villages: each locks the series in key order, so the second waits for
    the first instead of deadlocking, and each series ends at the higher of the two."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    first = {f"v{i:04d}": i for i in range(0, 1000)}
    second = {f"v{i:04d}": 2 * i for i in range(500, 1500)}
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(highest: dict[str, int]) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                counters_raise(kind="household", highest=highest)
            results.append("ok")
        except Exception as exc:  # noqa: BLE001 — every failure is reported by its type
            results.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(h,)) for h in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok", "ok"]
    expected = first | {k: max(v, first.get(k, 0)) for k, v in second.items()}
    assert _values("household") == expected
