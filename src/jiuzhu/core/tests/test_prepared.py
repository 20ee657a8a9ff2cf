"""core.prepared: a queryset compiled once gives, for every value, what the queryset built afresh gives."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.core.prepared import prepared
from jiuzhu.registry.models import Person, Relation

_members = prepared(
    lambda household_id: Person.objects.filter(household_id=household_id).select_related("household").order_by("id")
)
_names = prepared(lambda household_id, relation: Person.objects.filter(household_id=household_id, relation=relation)
                  .order_by("id").values_list("name", flat=True))  # fmt: skip
_rows = prepared(
    lambda household_id: Person.objects.filter(household_id=household_id).order_by("id").values("id", "birth_date")
)


@pytest.fixture
def two(county, make_household):
    first = make_household(county.village_a1, [("张三", dt.date(1960, 5, 1), Relation.SELF, {}),
                                               ("李四", dt.date(1990, 2, 3), Relation.SON, {})])  # fmt: skip
    second = make_household(county.village_a1, [("王五", dt.date(1970, 1, 1), Relation.SELF, {})])
    return first, second


def test_each_call_reads_its_own_values_as_the_queryset_would(two):
    for household in two:
        expected = list(Person.objects.filter(household_id=household.pk).select_related("household").order_by("id"))
        got = _members(household.pk)
        assert got == expected
        assert [p.household.number for p in got] == [household.number] * len(expected)  # select_related
        assert [p.birth_date for p in got] == [p.birth_date for p in expected]  # the backend's converters
        assert _names(household.pk, Relation.SELF) == [expected[0].name]
        assert _rows(household.pk) == [{"id": p.pk, "birth_date": p.birth_date} for p in expected]
    assert _members(-1) == []


def test_one_query_per_call(two, django_assert_num_queries):
    _members(two[0].pk)
    with django_assert_num_queries(1), CaptureQueriesContext(connection) as ctx:
        _members(two[1].pk)
    assert str(two[1].pk) in ctx.captured_queries[0]["sql"]


def test_a_value_transformed_by_its_lookup_is_refused(db):
    starts = prepared(lambda prefix: Person.objects.filter(region_code__startswith=prefix))
    with pytest.raises(ValueError, match="not among the compiled parameters"):
        starts("3307")
    upper = prepared(lambda name: Person.objects.filter(name=name.upper()))
    with pytest.raises(ValueError, match="not among the compiled parameters"):
        upper("abc")
    inline = prepared(lambda pk: Person.objects.filter(pk=pk).extra(where=[f"registry_person.id <> {pk} + 1"]))
    with pytest.raises(ValueError, match="written into the SQL"):
        inline(1)


def test_values_other_than_ints_and_strings_are_refused(db):
    with pytest.raises(TypeError):
        _members(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _members(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _members(household_id=1)  # type: ignore[call-arg]


@pytest.mark.django_db(transaction=True)
def test_another_thread_uses_its_own_connection(county, make_household):
    household = make_household(county.village_a1, [("张三", dt.date(1960, 5, 1), Relation.SELF, {})])
    assert [p.name for p in _members(household.pk)] == ["张三"]
    seen: list[object] = []

    def other() -> None:
        try:
            seen.append([p.name for p in _members(household.pk)])
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            seen.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [["张三"]]


def test_a_page_of_rows_and_a_capped_count(two):
    everyone = prepared(lambda prefix_low, prefix_high: Person.objects.filter(
        region_code__range=(prefix_low, prefix_high)).order_by("id"))  # fmt: skip
    expected = list(Person.objects.order_by("id"))
    low, high = "000000000000", "999999999999"
    assert everyone.rows(low, high, start=0, stop=2) == expected[:2]
    assert everyone.rows(low, high, start=2, stop=4) == expected[2:4]
    assert everyone.count(low, high, limit=10) == len(expected) == 3
    assert everyone.count(low, high, limit=2) == 2


def test_the_capped_paginator_reads_prepared_rows_as_a_queryset(two):
    from jiuzhu.core.pagination import CappedPaginator, PreparedRows

    everyone = prepared(lambda kind: Person.objects.exclude(relation=kind).order_by("id"))
    queryset = Person.objects.exclude(relation="none").order_by("id")
    for per_page in (1, 2, 5):
        for number in (1, 2, 3, 9):
            a = CappedPaginator(queryset, per_page).get_page(number)
            b = CappedPaginator(PreparedRows(everyone, "none", per_page=per_page), per_page).get_page(number)
            assert (a.paginator.count, a.number, list(a)) == (b.paginator.count, b.number, list(b))
