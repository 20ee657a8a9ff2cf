"""A 提标 no longer copies the covered persons of every link it replaces: the new link points at the link whose
list names them (`persons_of`, empty for a link with its own list, `own_persons`). At a county's 提标 the copy
was 2.4 million rows, each with three index entries: a third of the apply's server time.

The many-to-many field `persons` is renamed `own_persons` (the table and its rows are unchanged): `persons` is
now the model's property that reads whichever list applies. The new column's parent is checked as 0009 checks
the others: PostgreSQL's statement and row triggers of payments_entitlement are made again with it, and deleting
a link that another still shares is refused; SQLite's row triggers of the table are made again with it."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

_TABLE = "payments_entitlement"
_NEW = (_TABLE, "persons_of_id", _TABLE)


def _keys(with_new: bool) -> list[tuple[str, str, str]]:
    """0009's keys of the entitlements (the table, its column, the parent table), and the new one."""
    keys = import_module("jiuzhu.payments.migrations.0009_entitlement_parents_checked")._KEYS
    return [k for k in keys if k[0] == _TABLE] + ([_NEW] if with_new else [])


def _pg(with_new: bool) -> list[str]:
    keys = [(column, parent) for _t, column, parent in _keys(with_new)]
    args = ", ".join(f"'{x}'" for pair in keys for x in pair)
    columns = ", ".join(column for column, _parent in keys)
    out = [f"DROP TRIGGER IF EXISTS {_TABLE}_parents_{op} ON {_TABLE}" for op in ("insert", "update")]
    out.append(
        f"CREATE TRIGGER {_TABLE}_parents_insert AFTER INSERT ON {_TABLE} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION payments_refs_inserted({args})"
    )
    out.append(
        f"CREATE TRIGGER {_TABLE}_parents_update BEFORE UPDATE OF {columns} ON {_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION payments_refs_row({args})"
    )
    table, column, parent = _NEW
    name = f"{table}_{column}_deleted"
    if with_new:
        out.append(
            f"CREATE TRIGGER {name} AFTER DELETE ON {parent} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION payments_refs_deleted('{table}', '{column}')"
        )
    else:
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {parent}")
    return out


def _sqlite(with_new: bool) -> list[str]:
    keys = [(column, parent) for _t, column, parent in _keys(with_new)]
    when = " OR ".join(f"(NEW.{c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {p} WHERE id = NEW.{c}))" for c, p in keys)
    body = f" WHEN {when} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: {_TABLE}'); END"
    columns = ", ".join(c for c, _p in keys)
    return [
        *(f"DROP TRIGGER IF EXISTS {_TABLE}_parents_{op}" for op in ("insert", "update")),
        f"CREATE TRIGGER {_TABLE}_parents_insert BEFORE INSERT ON {_TABLE}{body}",
        f"CREATE TRIGGER {_TABLE}_parents_update BEFORE UPDATE OF {columns} ON {_TABLE}{body}",
    ]


def _run(with_new: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        make = {"postgresql": _pg, "sqlite": _sqlite}.get(vendor)
        for sql in make(with_new) if make is not None else []:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0013_collection_source_key"),
    ]

    operations = [
        migrations.RenameField(model_name="entitlement", old_name="persons", new_name="own_persons"),
        migrations.AddField(
            model_name="entitlement",
            name="persons_of",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sharers",
                to="payments.entitlement",
                verbose_name="保障对象同",
            ),
        ),
        migrations.AddIndex(
            model_name="entitlement",
            index=models.Index(
                condition=models.Q(("persons_of__isnull", False)),
                fields=["persons_of"],
                name="payments_ent_persons_of",
            ),
        ),
        migrations.RunPython(_run(True), _run(False)),
    ]
