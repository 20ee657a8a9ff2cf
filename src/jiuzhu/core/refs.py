"""Foreign keys checked set-based on PostgreSQL, for the tables written a million rows at a time.

A foreign-key constraint of Django's is DEFERRABLE INITIALLY DEFERRED: at COMMIT, PostgreSQL checks every row
written, one query and one row lock of the parent per row and key (a million-person import into a province:
about 1.4 million, 8–14 s of its COMMIT). A key listed here keeps the same rules, checked per statement:

- after each INSERT statement (a COPY included), one query per key checks the statement's rows (a transition
  table) against the parent table;
- changing a key column is checked row by row, only when its value changes;
- deleting a parent that rows still refer to is refused after the statement. The deleting transaction first
  takes a SHARE lock on the referring table, so it waits for rows being written (and rows being written wait
  for it): no row can slip in beside a parent deleted at the same moment.

The check runs when the statement ends, not at COMMIT: the parents must be written first (as every writer of
these tables does). A statement that copies its keys from rows that exist (payments' 提标: a new link's household,
case and previous link are the old link's) may name those columns in the transaction-local setting
`jiuzhu.parents_copied` (comma-separated column names); the insert check skips them. A parent whose rows only
its own writer makes (a payroll and its lines) may be deleted without locking the referring table
(`Key.lock`). Used by migrations (registry 0008, payments 0015, which replaced the functions of its own that
payments 0007 and 0009 had made before this module existed). SQLite keeps its constraints (registry) or row
triggers (payments): its checks are in-process.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, NamedTuple


class Key(NamedTuple):
    table: str
    column: str
    parent: str  # its primary key is "id"
    # Deleting a parent first takes a SHARE lock on `table`, so that no row can be written beside it. False
    # only where the parent's rows are written by the parent's own writer, which a delete cannot race.
    lock: bool = True

    @classmethod
    def of(cls, field: Any, *, lock: bool = True) -> Key:
        """The key of a model's foreign key (a field of a model, or of a migration's historical model)."""
        return cls(field.model._meta.db_table, field.column, field.related_model._meta.db_table, lock)


def unconstrained(models: Iterable[Any], *, unlocked: Collection[tuple[str, str]] = ()) -> list[Key]:
    """The keys of `models`' foreign keys declared without a constraint of the database (`db_constraint=False`):
    those these triggers must check. `unlocked`: (model name, field name) pairs whose key has `lock` False."""
    return [
        Key.of(field, lock=(model._meta.model_name, field.name) not in unlocked)
        for model in models
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one) and not field.db_constraint
    ]


# Dynamic SQL (EXECUTE): each check is planned for the statement's own number of rows, one or a million.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION jiuzhu_refs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION jiuzhu_refs_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  i int := 0;
  ref bigint;
  found boolean;
BEGIN
  WHILE i < TG_NARGS LOOP
    ref := (to_jsonb(NEW) ->> TG_ARGV[i])::bigint;
    IF ref IS NOT NULL AND ref IS DISTINCT FROM (to_jsonb(OLD) ->> TG_ARGV[i])::bigint THEN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', TG_ARGV[i + 1]) INTO STRICT found USING ref;
      IF NOT found THEN
        RAISE EXCEPTION '%: % without its row in %', TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1]
          USING ERRCODE = 'foreign_key_violation';
      END IF;
    END IF;
    i := i + 2;
  END LOOP;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION jiuzhu_refs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  found boolean;
BEGIN
  -- TG_ARGV: the referring table, its column, and 'nolock' where Key.lock is False.
  IF TG_NARGS < 3 OR TG_ARGV[2] <> 'nolock' THEN
    EXECUTE format('LOCK TABLE %I IN SHARE MODE', TG_ARGV[0]);
  END IF;
  EXECUTE format(
    'SELECT EXISTS (SELECT 1 FROM %1$I c JOIN old_rows o ON c.%2$I = o.id)', TG_ARGV[0], TG_ARGV[1]
  ) INTO STRICT found;
  IF found THEN
    RAISE EXCEPTION '%.% still refers to a deleted %', TG_ARGV[0], TG_ARGV[1], TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
"""


def _tables(keys: list[Key]) -> list[str]:
    return list(dict.fromkeys(k.table for k in keys))


def triggers(keys: list[Key]) -> list[str]:
    """The statements that check `keys` (FUNCTIONS first; they are shared by every table that uses them)."""
    out = [FUNCTIONS]
    for table in _tables(keys):
        mine = [k for k in keys if k.table == table]
        args = ", ".join(f"'{x}'" for k in mine for x in (k.column, k.parent))
        columns = ", ".join(k.column for k in mine)
        out.append(
            f"CREATE TRIGGER {table}_refs_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION jiuzhu_refs_inserted({args})"
        )
        out.append(
            f"CREATE TRIGGER {table}_refs_update BEFORE UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION jiuzhu_refs_row({args})"
        )
    for k in keys:
        args = f"'{k.table}', '{k.column}'" + ("" if k.lock else ", 'nolock'")
        out.append(
            f"CREATE TRIGGER {k.table}_{k.column}_deleted AFTER DELETE ON {k.parent} REFERENCING OLD TABLE AS "
            f"old_rows FOR EACH STATEMENT EXECUTE FUNCTION jiuzhu_refs_deleted({args})"
        )
    return out


def triggers_dropped(keys: list[Key]) -> list[str]:
    """The triggers of `keys` dropped (the functions stay: other tables may use them)."""
    out = [f"DROP TRIGGER IF EXISTS {k.table}_{k.column}_deleted ON {k.parent}" for k in keys]
    for table in _tables(keys):
        out += [f"DROP TRIGGER IF EXISTS {table}_refs_{op} ON {table}" for op in ("insert", "update")]
    return out
