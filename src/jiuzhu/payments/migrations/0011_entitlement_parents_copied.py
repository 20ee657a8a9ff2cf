"""A 提标 at a million links spent a tenth of its server time checking parents it had copied: its new links
take their household, case and previous link from the links they replace, their covered persons are the old
links' persons, their events name the links just written. PostgreSQL's statement trigger of migration 0009
now skips the columns a statement names in the transaction-local setting `jiuzhu.parents_copied` (a
comma-separated list of column names); every other column, and every statement that names none, is checked
as before. Only payments.services.recompute sets it, around its INSERT … SELECT statements, and clears it after
them. A parent deleted meanwhile cannot slip through: deleting a parent locks the referring table first and
then sees the new rows (0009's delete triggers). SQLite's row triggers are unchanged.
"""

from importlib import import_module

from django.db import migrations

_CHECKED = """
CREATE OR REPLACE FUNCTION payments_refs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  i int := 0;
  found boolean;
  copied text[] := string_to_array(coalesce(current_setting('jiuzhu.parents_copied', true), ''), ',');
BEGIN
  -- TG_ARGV: column, parent table, column, parent table, ...
  WHILE i < TG_NARGS LOOP
    IF NOT TG_ARGV[i] = ANY(copied) THEN
      EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM new_rows n WHERE n.%1$I IS NOT NULL '
        'AND NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.%1$I))', TG_ARGV[i], TG_ARGV[i + 1]
      ) INTO STRICT found;
      IF found THEN
        RAISE EXCEPTION '%: % without its row in %', TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1]
          USING ERRCODE = 'foreign_key_violation';
      END IF;
    END IF;
    i := i + 2;
  END LOOP;
  RETURN NULL;
END $$;
"""


def _previous() -> str:
    """0009's function, made again on the way back."""
    functions = import_module("jiuzhu.payments.migrations.0009_entitlement_parents_checked")._PG_FUNCTIONS
    start = functions.index("CREATE FUNCTION payments_refs_inserted()")
    end = functions.index("CREATE FUNCTION payments_refs_row()")
    return functions[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql() if callable(sql) else sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0010_entitlement_hot_update"),
    ]

    operations = [migrations.RunPython(_run(_CHECKED), _run(_previous))]
