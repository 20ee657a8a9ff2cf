"""The registry's two keys of its bulk writes (a person's household, a household's village): on PostgreSQL checked
per statement by triggers (migration 0008, jiuzhu.core.refs) instead of deferred constraints; on SQLite by its
own constraints. Either way a row without its parent never stays."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from jiuzhu.registry.models import Household, Person, Relation

D = dt.date.fromisoformat
MISSING = 10**9


@pytest.fixture
def household(county, make_household):
    return make_household(county.village_a1, [("王建国", D("1948-02-03"), Relation.SELF, {})])


def refused(write) -> None:
    """`write` fails: on PostgreSQL when its statement ends, on SQLite at COMMIT (its constraints are deferred;
    asked here, inside the test's transaction)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        if connection.vendor == "sqlite":
            connection.check_constraints(table_names=["registry_person", "registry_household"])


def test_a_row_without_its_parent_is_refused(household):
    person = household.members.get()
    for model, pk, field in ((Person, person.pk, "household_id"), (Household, household.pk, "region_id")):
        orphan = model.objects.get(pk=pk)
        orphan.pk = None
        if model is Person:
            orphan.id_number_hash = "other"  # unique
        else:
            orphan.number = "330727206202999999"
        setattr(orphan, field, MISSING)
        refused(orphan.save)
        refused(lambda model=model, pk=pk, field=field: model.objects.filter(pk=pk).update(**{field: MISSING}))
    # Another change, or a key moved to a row that exists, is allowed.
    Person.objects.filter(pk=person.pk).update(household_id=household.pk, name="王建民")
    assert Person.objects.get(pk=person.pk).name == "王建民"
    assert Household.objects.count() == 1 and Person.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_parent_still_referred_to_cannot_be_deleted_behind_django(household):
    for table, pk in (("registry_household", household.pk), ("regions_region", household.region_id)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    with connection.cursor() as cur:  # the persons first, then the household: allowed
        cur.execute("DELETE FROM registry_person WHERE household_id = %s", [household.pk])
        cur.execute("DELETE FROM registry_household WHERE id = %s", [household.pk])
    assert not Household.objects.filter(pk=household.pk).exists()


def test_django_deletes_a_household_with_its_persons(household):
    household.delete()
    assert not Person.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_one_statement_of_many_rows_is_checked_whole(household):
    """A bulk insert (as the importer's COPY) with one row whose household does not exist writes none of them."""
    person = household.members.get()
    rows = []
    for i in range(3):
        row = Person.objects.get(pk=person.pk)
        row.pk, row.id_number_hash = None, f"h{i}"
        row.household_id = MISSING if i == 2 else household.pk
        rows.append(row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create(rows)
    assert Person.objects.count() == 1
