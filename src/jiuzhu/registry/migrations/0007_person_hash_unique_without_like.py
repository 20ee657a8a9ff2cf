# Issue #11: what a million-person import into a province of ten million pays for in PostgreSQL is index
# maintenance: every person goes into each of registry_person's indexes at a random place, and each page so
# touched after a checkpoint is written whole to the WAL. Two of those indexes served no query:
# - id_number_hash's varchar_pattern_ops twin (Django adds one to every unique CharField on PostgreSQL, for
#   LIKE; a hash is only ever compared whole), 540 MB at ten million persons;
# - the index on name alone, which (name, region_code) of 0006 serves as well (name is its first column).
# The uniqueness moves from the field to Meta.constraints, for which Django makes no LIKE twin. SQLite has no
# such twin: there the column's own UNIQUE stays as it is (the same rule, no rewrite of the table).

from django.db import migrations, models

CONSTRAINT = "person_id_number_hash_unique"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, "registry_person")
    schema_editor.execute(f'ALTER TABLE "registry_person" ADD CONSTRAINT "{CONSTRAINT}" UNIQUE ("id_number_hash")')
    for name, info in existing.items():
        if info["columns"] != ["id_number_hash"] or info["primary_key"]:
            continue
        if info["unique"]:
            schema_editor.execute(f'ALTER TABLE "registry_person" DROP CONSTRAINT "{name}"')
        elif info["index"]:
            schema_editor.execute(f'DROP INDEX "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE "registry_person" ADD CONSTRAINT "registry_person_id_number_hash_key" UNIQUE ("id_number_hash")'
    )
    schema_editor.execute(
        'CREATE INDEX "registry_person_id_number_hash_4709f1ad_like" ON "registry_person" '
        '("id_number_hash" varchar_pattern_ops)'
    )
    schema_editor.execute(f'ALTER TABLE "registry_person" DROP CONSTRAINT "{CONSTRAINT}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_count_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="registry_pe_name_b9f5b3_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="id_number_hash",
                    field=models.CharField(editable=False, max_length=32),
                ),
                migrations.AddConstraint(
                    model_name="person",
                    constraint=models.UniqueConstraint(fields=("id_number_hash",), name=CONSTRAINT),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
