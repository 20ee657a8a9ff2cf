"""Payments' parents checked by the shared functions of jiuzhu.core.refs, as the registry's are (registry 0008).

Payments 0007 (payroll lines) and 0009 (entitlements, their covered persons, their events; 0011 and 0014 after
it) made the set-based checks of their foreign keys on PostgreSQL with functions of their own, before core.refs
existed: the same rules, written twice. Here their triggers and functions are dropped and core.refs makes the
same checks for the same keys, read off the models (every foreign key of this app without a constraint of the
database). Nothing a writer sees changes: an INSERT or COPY is checked per statement (skipping the columns named
in `jiuzhu.parents_copied`, which the 提标's copies use), a changed key row by row, a delete of a parent still
referred to refused after a SHARE lock on the referring table — except a payroll's, whose lines only its own
generation writes (0007 took no lock there either, so that discarding a draft never waits for another payroll).

SQLite is unchanged: its row triggers (0007, 0009, 0014) stay.
"""

from importlib import import_module

from django.db import migrations

from jiuzhu.core.refs import Key, triggers, triggers_dropped, unconstrained

# (model, field): deleting the parent takes no lock on the referring table (see the docstring).
_UNLOCKED = {("payrollline", "payroll")}


def _keys(apps) -> list[Key]:
    """Every foreign key of the app's models that has no constraint of the database, as core.refs names it."""
    return unconstrained(apps.get_app_config("payments").get_models(), unlocked=_UNLOCKED)


def _module(name: str):
    return import_module(f"jiuzhu.payments.migrations.{name}")


def _own_triggers_dropped() -> list[str]:
    """The triggers and functions of 0007, 0009 and 0014 (0011 replaced one of 0009's functions)."""
    m0007, m0009 = _module("0007_payroll_line_parents_checked"), _module("0009_entitlement_parents_checked")
    dropped = [line.strip() for line in m0007._PG_REVERSE.strip().splitlines()]
    # 0009's reverse with 0014's key: the entitlements' persons_of names the table itself.
    keys = [*m0009._KEYS, _module("0014_entitlement_persons_shared")._NEW]
    dropped += [f"DROP TRIGGER IF EXISTS {t}_{c}_deleted ON {p}" for t, c, p in keys]
    for table in m0009._TABLES:
        dropped += [f"DROP TRIGGER IF EXISTS {table}_parents_{op} ON {table}" for op in ("insert", "update")]
    dropped += [f"DROP FUNCTION IF EXISTS payments_refs_{f}()" for f in ("inserted", "row", "deleted")]
    return dropped


def _own_triggers_made() -> list[str]:
    """The state before this migration, made again: 0007's triggers, 0009's as 0011 and 0014 left them."""
    m0009 = _module("0009_entitlement_parents_checked")
    return [
        _module("0007_payroll_line_parents_checked")._PG,
        *m0009._pg(),
        _module("0011_entitlement_parents_copied")._CHECKED,
        *_module("0014_entitlement_persons_shared")._pg(True),
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*_own_triggers_dropped(), *triggers(_keys(apps))]:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*triggers_dropped(_keys(apps)), *_own_triggers_made()]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0014_entitlement_persons_shared"),
        ("registry", "0009_household_region_index_without_like"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
