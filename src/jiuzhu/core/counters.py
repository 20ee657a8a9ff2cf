"""Serial numbers without races: one locked counter row per series.

"Highest number + 1" read without a lock gives two parallel transactions the same number (and one of them a
server error on the unique constraint). `counter_next` locks the series' row (creating it safely on first use),
so the second transaction waits for the first to commit and then continues after it. The floor, read under the
lock, keeps the series above any number already in the table (numbers written before the counter existed, or
given explicitly in an import)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from jiuzhu.core.models import Counter


def _locked(kind: str, keys: list[str]) -> list[Counter]:
    """The series `keys` of `kind`, each created if missing, locked in key order (the rows are locked as the
    sorted scan returns them), so that two writers of overlapping series cannot deadlock. A series a parallel
    transaction creates meanwhile is left to it (ignore_conflicts) and locked here after it commits."""
    Counter.objects.bulk_create([Counter(kind=kind, key=k) for k in keys], ignore_conflicts=True)
    return list(Counter.objects.select_for_update().filter(kind=kind, key__in=keys).order_by("key"))


def counter_next(*, kind: str, key: str, floor: Callable[[], int], count: int = 1) -> int:
    """The first of `count` consecutive fresh serials of the series (kind, key). Call inside the transaction
    that writes the numbers: the series stays locked until it commits. `floor()` returns the highest serial
    already used in the table; it is read after the lock is taken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside a transaction")
    [row] = _locked(kind, [key])
    start = max(row.value, floor()) + 1
    row.value = start + count - 1
    row.save(update_fields=["value"])
    return start


# Series per statement in counters_raise: an IN list well under SQLite's limit of bound variables.
_RAISE_CHUNK = 500


def counters_raise(*, kind: str, highest: dict[str, int]) -> None:
    """Lock the series `highest` names (in key order, so that two bulk writers cannot deadlock) and move each
    past the serial given: a bulk insert that numbered its rows itself holds the series until it commits, so a
    single registration meanwhile waits and then numbers after it instead of colliding. Set-based: a province's
    roster names thousands of villages, raised a chunk of series at a time (three statements per chunk)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counters_raise must run inside a transaction")
    keys = sorted(highest)
    for start in range(0, len(keys), _RAISE_CHUNK):
        raised = [row for row in _locked(kind, keys[start : start + _RAISE_CHUNK]) if highest[row.key] > row.value]
        for row in raised:
            row.value = highest[row.key]
        Counter.objects.bulk_update(raised, ["value"], batch_size=_RAISE_CHUNK)
