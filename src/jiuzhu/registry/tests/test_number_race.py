"""Household numbers under a crowd (PostgreSQL): 20 registrations in one village at the same moment all
succeed with distinct 户编号; an import that numbered its own households holds the village's series."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from jiuzhu.conftest import id_for
from jiuzhu.core.models import Counter
from jiuzhu.registry.models import Area, Household, Relation
from jiuzhu.registry.services import MemberInput, household_register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_parallel_registrations_in_one_village_get_distinct_numbers(county, admin):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    ids = [id_for(dt.date(1970, 1, 1) + dt.timedelta(days=i)) for i in range(20)]
    barrier = threading.Barrier(20)
    results: list[str] = []

    def register(id_number: str) -> None:
        try:
            barrier.wait()
            member = MemberInput(name="并发", id_number=id_number, relation=Relation.SELF)
            household_register(actor=admin, village=county.village_a1, area=Area.URBAN, members=[member])
            results.append("ok")
        except Exception as exc:  # noqa: BLE001 — every failure is reported by its type
            results.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok"] * 20
    numbers = sorted(Household.objects.values_list("number", flat=True))
    assert numbers == [f"{county.village_a1.code}{i:05d}" for i in range(1, 21)]
    assert Counter.objects.get(kind="household", key=county.village_a1.code).value == 20
