# Issue #11: a million-person import into a province spent 8–12 s of its COMMIT on the deferred foreign keys of
# its rows (persons → household, households → region): one query and one row lock of the parent per row. On
# PostgreSQL those two constraints give way to the same rules checked per statement (jiuzhu.core.refs: one
# anti-join per INSERT or COPY, a row check when a key changes, a delete of a parent still referred to
# refused). SQLite keeps its constraints as they are (its checks run in-process; no table rebuild).

from django.db import migrations, models

from jiuzhu.core.refs import Key, triggers, triggers_dropped

_FIELDS = [("household", "region"), ("person", "household")]


def _keys(apps):
    """The two keys as core.refs names them, read off the models (table, column, the parent's table)."""
    return [Key.of(apps.get_model("registry", model)._meta.get_field(field)) for model, field in _FIELDS]


def _foreign_keys(schema_editor, model, column):
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [name for name, info in found.items() if info["foreign_key"] and info["columns"] == [column]]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, field_name in _FIELDS:
        model = apps.get_model("registry", model_name)
        for name in _foreign_keys(schema_editor, model, model._meta.get_field(field_name).column):
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))
    for sql in triggers(_keys(apps)):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in triggers_dropped(_keys(apps)):
        schema_editor.execute(sql, params=None)
    for model_name, field_name in _FIELDS:
        model = apps.get_model("registry", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0007_person_hash_unique_without_like"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="region",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="households",
                        to="regions.region",
                        verbose_name="村（社区）",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="household",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="members",
                        to="registry.household",
                        verbose_name="家庭",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
