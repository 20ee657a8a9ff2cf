"""Bulk writes that never loop over ORM objects: COPY on PostgreSQL, executemany on SQLite.

Callers hand over a Polars frame whose columns are the model's column names (attnames). Both run inside
the caller's transaction, so an import is all or nothing.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.db import connection, models

_CHUNK = 50_000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n fresh primary keys, taken before the rows exist so that children can point at their parents.
    Call inside a transaction: on SQLite the write lock it holds keeps max(id) ours."""
    if n == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = int(cur.fetchone()[0]) + 1
        return list(range(start, start + n))


def _prepare_sqlite(frame: pl.DataFrame, fields: dict[str, Any]) -> pl.DataFrame:
    exprs = []
    for name in frame.columns:
        kind = fields[name].get_internal_type()
        dtype = frame.schema[name]
        col = pl.col(name)
        if kind == "BooleanField":
            exprs.append(col.cast(pl.Int8))
        elif kind == "DateTimeField" and isinstance(dtype, pl.Datetime):
            exprs.append(col.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        elif kind == "DateField" and dtype == pl.Date:
            exprs.append(col.dt.strftime("%Y-%m-%d"))
        elif kind == "DecimalField":
            exprs.append(col.cast(pl.String))
        else:
            exprs.append(col)
    return frame.select(exprs)


def bulk_insert(model: type[models.Model], frame: pl.DataFrame) -> int:
    if frame.height == 0:
        return 0
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [c for c in frame.columns if c not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(fields[c].column) for c in frame.columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection  # the psycopg connection of Django's current transaction
        with connection.wrap_database_errors, raw.cursor() as cur:
            for start in range(0, frame.height, _CHUNK):
                buf = io.BytesIO()
                frame.slice(start, _CHUNK).write_csv(buf, include_header=False, null_value="\\N")
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                    copy.write(buf.getvalue())
        return frame.height
    prepared = _prepare_sqlite(frame, fields)
    marks = ", ".join(["%s"] * len(frame.columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
    with connection.cursor() as cur:
        for start in range(0, prepared.height, _CHUNK):
            cur.executemany(sql, prepared.slice(start, _CHUNK).rows())
    return frame.height
