# Issue #11: every household an import writes goes into each of registry_household's indexes. One of them
# served no query: region_code's varchar_pattern_ops twin (Django adds one to every indexed CharField on
# PostgreSQL, for LIKE), where every scope filter is a range (core.scope.prefix_q). The index moves from the
# field to Meta.indexes, for which Django makes no twin: on PostgreSQL the twin is dropped and the plain index
# renamed; on SQLite, which has no twin, the index is made again under its new name (no rebuild of the table,
# which the payments triggers that name it would refuse).

from django.db import migrations, models

TABLE = "registry_household"
NAME = "registry_household_region"


def _region_code_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    return {
        name: info
        for name, info in found.items()
        if info["columns"] == ["region_code"] and info["index"] and not info["unique"] and name != NAME
    }


def forwards(apps, schema_editor):
    for name, info in _region_code_indexes(schema_editor).items():
        plain = schema_editor.connection.vendor == "postgresql" and not name.endswith("_like")
        if plain:
            schema_editor.execute(f'ALTER INDEX "{name}" RENAME TO "{NAME}"')
        else:
            schema_editor.execute(f'DROP INDEX "{name}"')
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f'CREATE INDEX "{NAME}" ON "{TABLE}" ("region_code")')


def backwards(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX "{NAME}"')
    schema_editor.execute(f'CREATE INDEX "registry_household_region_code_a6877823" ON "{TABLE}" ("region_code")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "registry_household_region_code_a6877823_like" ON "{TABLE}" '
            '("region_code" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_keys_checked_per_statement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="region_code",
                    field=models.CharField(editable=False, max_length=12, verbose_name="区划代码"),
                ),
                migrations.AddIndex(
                    model_name="household",
                    index=models.Index(fields=["region_code"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
