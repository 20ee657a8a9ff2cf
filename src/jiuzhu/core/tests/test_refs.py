"""Foreign keys without a constraint of the database (core.refs): on PostgreSQL every one of them is checked by the
shared triggers, read off the models — a key declared `db_constraint=False` and forgotten by its migration
would let rows point at nothing. Deleting a payroll takes no lock on its lines; deleting a household does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, transaction

from jiuzhu.core.refs import unconstrained
from jiuzhu.payments.models import Payroll, PayrollLine
from jiuzhu.registry.models import Household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps constraints or row triggers"),
]


def _triggers() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal")
        return dict(cur.fetchall())


def test_every_key_without_a_constraint_is_checked_by_the_shared_triggers():
    keys, found = unconstrained(apps.get_models()), _triggers()
    assert len(keys) >= 14  # the registry's two, the payments' twelve
    for table, column, parent, _lock in keys:
        inserted, deleted = found.get(f"{table}_refs_insert", ""), found.get(f"{table}_{column}_deleted", "")
        assert "jiuzhu_refs_inserted(" in inserted and f"'{column}', '{parent}'" in inserted, (table, column)
        assert "BEFORE UPDATE OF" in found.get(f"{table}_refs_update", ""), table
        assert f"ON public.{parent} " in deleted and "jiuzhu_refs_deleted(" in deleted, (table, column)
    # Nothing is left of the functions payments had before core.refs.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'payments\\_%'")
        assert cur.fetchone()[0] == 0


def _locks_on(table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass", [table])
        return {row[0] for row in cur.fetchall()}


def test_a_payroll_deleted_locks_no_lines_a_household_deleted_does(county, make_household):
    lines = PayrollLine._meta.db_table
    household = make_household(county.village_a1)
    payroll = Payroll.objects.create(month=dt.date(2026, 1, 1), region=county.county)
    with transaction.atomic():
        Payroll.objects.filter(pk=payroll.pk).delete()
        assert "ShareLock" not in _locks_on(lines)
        transaction.set_rollback(True)
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).delete()
        assert "ShareLock" in _locks_on(lines)
        transaction.set_rollback(True)
