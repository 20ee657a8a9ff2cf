"""A 提标 closes every running link it raises (status, reason, end_month: no indexed column) and that UPDATE
wrote a new entry in each of the table's indexes for every link, because the new row version could not stay on
its full page (≈ 8 million WAL records at a million links, a third of the apply's server time). Two changes:

- PostgreSQL: the table keeps half of each page free (fillfactor 50), so that closing a link is a HOT update:
  the new version on the same page, no index touched (measured at a million: WAL records 8.1 M → 1.8 M). The
  table takes about twice the pages; rows written before this migration are rewritten only by VACUUM FULL.
- The index on region_code loses PostgreSQL's varchar_pattern_ops twin (made by Django for every indexed
  CharField, for LIKE; the region is only asked for by range, core.scope.prefix_q): the index moves from the
  field to Meta.indexes, for which Django makes no twin. SQLite: the index is made again under its new name.
"""

from django.db import migrations, models

TABLE = "payments_entitlement"
INDEX = "payments_entitlement_region"


def _region_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in found.items()
        if info["columns"] == ["region_code"] and info["index"] and not info["unique"] and name != INDEX
    ]


def forwards(apps, schema_editor):
    for name in _region_indexes(schema_editor):
        schema_editor.execute(f'DROP INDEX "{name}"')
    schema_editor.execute(f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("region_code")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{TABLE}" SET (fillfactor = 50)')


def backwards(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX "{INDEX}"')
    schema_editor.execute(f'CREATE INDEX "payments_entitlement_region_code_901ae066" ON "{TABLE}" ("region_code")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "payments_entitlement_region_code_901ae066_like" ON "{TABLE}" '
            '("region_code" varchar_pattern_ops)'
        )
        schema_editor.execute(f'ALTER TABLE "{TABLE}" RESET (fillfactor)')


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0009_entitlement_parents_checked"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entitlement",
                    name="region_code",
                    field=models.CharField(editable=False, max_length=12, verbose_name="区划代码"),
                ),
                migrations.AddIndex(
                    model_name="entitlement",
                    index=models.Index(fields=["region_code"], name=INDEX),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
