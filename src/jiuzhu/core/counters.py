"""Serial numbers without races: one locked counter row per series.

"Highest number + 1" read without a lock gives two parallel transactions the same number (and one of them a
server error on the unique constraint). `counter_next` locks the series' row (creating it safely on first use),
so the second transaction waits for the first to commit and then continues after it. The floor, read under the
lock, keeps the series above any number already in the table (numbers written before the counter existed, or
given explicitly in an import)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from jiuzhu.core.models import Counter


def _locked(kind: str, key: str) -> Counter:
    row = Counter.objects.select_for_update().filter(kind=kind, key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                Counter.objects.create(kind=kind, key=key)
        except IntegrityError:
            pass  # created by a parallel transaction in the meantime: lock that one
        row = Counter.objects.select_for_update().get(kind=kind, key=key)
    return row


def counter_next(*, kind: str, key: str, floor: Callable[[], int], count: int = 1) -> int:
    """The first of `count` consecutive fresh serials of the series (kind, key). Call inside the transaction
    that writes the numbers: the series stays locked until it commits. `floor()` returns the highest serial
    already used in the table; it is read after the lock is taken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside a transaction")
    row = _locked(kind, key)
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
    roster names thousands of villages, each series is created if missing, locked and raised a chunk of series
    at a time (three statements per chunk, not two or three per series)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counters_raise must run inside a transaction")
    keys = sorted(highest)
    for start in range(0, len(keys), _RAISE_CHUNK):
        chunk = keys[start : start + _RAISE_CHUNK]
        # Missing series created; one a parallel transaction creates meanwhile is left to it (then locked below).
        Counter.objects.bulk_create([Counter(kind=kind, key=k) for k in chunk], ignore_conflicts=True)
        # Locked in key order: the rows are locked as the sorted scan returns them.
        rows = list(Counter.objects.select_for_update().filter(kind=kind, key__in=chunk).order_by("key"))
        raised = [row for row in rows if highest[row.key] > row.value]
        for row in raised:
            row.value = highest[row.key]
        Counter.objects.bulk_update(raised, ["value"], batch_size=_RAISE_CHUNK)
