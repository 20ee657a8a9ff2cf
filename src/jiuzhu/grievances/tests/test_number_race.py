"""Two desks (or two portal visitors) submit at the same moment: two different numbers, in sequence.

Runs on PostgreSQL only (row locks are what is tested; SQLite serialises whole transactions):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_grievances pytest -m postgres src/jiuzhu/grievances"""

import threading

import pytest
from django.db import connection, connections

from jiuzhu.grievances import services
from jiuzhu.grievances.models import Channel, Grievance, Kind
from jiuzhu.grievances.tests.conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("first_of_month", [True, False])
def test_submissions_at_once_get_distinct_numbers(county, standards, first_of_month):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    if not first_of_month:  # the month's counter row exists already: the lock, not the unique insert, decides
        services.grievance_submit(
            channel=Channel.PORTAL, kind=Kind.COMPLAINT, content="先有一件，计数行已存在。", region=county.township_a,
            anonymous=True, on=TODAY,
        )  # fmt: skip
    n = 4
    barrier = threading.Barrier(n)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def submit():
        try:
            barrier.wait()
            sub = services.grievance_submit(
                channel=Channel.PORTAL, kind=Kind.COMPLAINT, content="同时提交的投诉，编号不能重复。",
                region=county.township_a, anonymous=True, on=TODAY,
            )  # fmt: skip
            numbers.append(sub.number)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    start = 1 if first_of_month else 2
    assert sorted(numbers) == [f"TS202506{i:04d}" for i in range(start, start + n)]
    assert Grievance.objects.count() == n + (0 if first_of_month else 1)
