"""Bulk writes that never loop over ORM objects: COPY on PostgreSQL, executemany on SQLite; and bulk reads
of a values_list queryset straight from the database cursor into Polars.

Callers hand over a Polars frame whose columns are the model's column names (attnames). Both run inside
the caller's transaction, so an import is all or nothing.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection, models

_CHUNK = 50_000
# SQLite's page cache during a large insert, in KiB: every index of a million-row table stays in memory
# instead of being spilled and read back (half the insert's time at a million payroll lines). Per
# connection, restored afterwards, and SQLite frees the pages above the restored size.
_INSERT_CACHE_KIB = 192 * 1024
_BIG_INSERT = 100_000
# SQLite's memory-mapped I/O during a bulk read or write: pages are read in place from the mapped file
# (already in the OS page cache) instead of being copied into SQLite's cache by a system call each. At a
# million payroll lines, about a quarter less CPU for the INSERT … SELECT and two thirds less for reading the
# lines joined to their households. SQLite caps it at its compile-time maximum (2 GiB by default); the map is
# dropped when the block ends, so only bulk work maps the file (the mapped pages count in the process's RSS).
_MMAP_BYTES = 2**31


def read_frame(queryset: models.QuerySet[Any], schema: Mapping[str, Any], *, big: bool = False) -> pl.DataFrame:
    """The rows of a `values_list` queryset as a frame with `schema` (its columns, in the queryset's order),
    read from the raw cursor: at a million rows Django's per-row iteration costs more than the query. The
    driver's own values, so only types that need no Django converter: integers, text, and booleans and dates
    as plain columns (Django's SQLite connection converts those by their declared type). Compute money as
    integer fen in the query; a Decimal column is refused, as SQLite keeps it as a float.

    On PostgreSQL the rows come as CSV from `COPY (query) TO STDOUT`, parsed by Polars (about 40 % less CPU at
    a million rows than rows of Python objects); an unquoted empty field is NULL, a quoted one "". `big`: a
    read of the order of a million rows, on SQLite from the memory-mapped file (big_write_cache)."""
    refused = [k for k, t in schema.items() if not (t in (pl.String, pl.Boolean, pl.Date) or t.is_integer())]
    if refused:
        raise ValueError(f"read_frame reads integers, text, booleans and dates, not {refused}")
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: Django knows without asking the database
        return pl.DataFrame(schema=dict(schema))
    if connection.vendor == "postgresql":
        return _copy_frame(sql, params, schema)
    dates = [k for k, t in schema.items() if t == pl.Date]
    if dates:
        # SQLite keeps a date as its ISO text, and Django's connection parses each value of a column declared
        # "date" in Python (a regex per value: seconds at a million rows). Renamed through a CTE and
        # concatenated with '', the column loses its declared type: its text is read as is and parsed here.
        names = [f"c{i}" for i in range(len(schema))]
        cols = ", ".join(f"{n} || ''" if t == pl.Date else n for n, t in zip(names, schema.values(), strict=True))
        sql = f"WITH q({', '.join(names)}) AS ({sql}) SELECT {cols} FROM q"
    read = {k: (pl.String if t == pl.Date else t) for k, t in schema.items()}
    frames = [pl.DataFrame(schema=read)]
    with big_write_cache(big), connection.cursor() as cur:
        cur.execute(sql, params)
        # In chunks: the Python objects of a million rows would take more memory than their frame.
        while rows := cur.fetchmany(_CHUNK):
            frames.append(pl.DataFrame(rows, schema=read, orient="row"))
    frame = pl.concat(frames, rechunk=False) if len(frames) > 2 else frames[-1]
    return frame.with_columns(pl.col(k).str.to_date("%Y-%m-%d") for k in dates) if dates else frame


def _copy_frame(sql: str, params: Any, schema: Mapping[str, Any]) -> pl.DataFrame:
    """PostgreSQL: the query's rows through COPY … TO STDOUT as CSV, parsed by Polars. The server writes NULL
    as an empty field and an empty text as "" (which Polars reads back as null and as ""), booleans as t/f."""
    from psycopg import ClientCursor

    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection of Django's current transaction
    with connection.wrap_database_errors:
        query = ClientCursor(raw).mogrify(sql, params)  # COPY takes no bound parameters
        statement = f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"
        buf = io.BytesIO()
        started = time.monotonic()
        with raw.cursor() as cur, cur.copy(statement):
            _drain_copy(raw.pgconn, buf)
    if connection.queries_logged:  # as Django's debug cursor logs a query (and tests count them)
        connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - started:.3f}"})
    names = list(schema)
    if buf.tell() == 0:
        return pl.DataFrame(schema=dict(schema))
    read = {k: (pl.String if t == pl.Boolean else t) for k, t in schema.items()}
    frame = pl.read_csv(buf.getvalue(), has_header=False, new_columns=names, schema=read)
    flags = [k for k, t in schema.items() if t == pl.Boolean]
    return frame.with_columns((pl.col(k) == "t").alias(k) for k in flags) if flags else frame


def _drain_copy(pgconn: Any, buf: io.BytesIO) -> None:
    """The rows of a COPY … TO STDOUT that psycopg has begun, written to `buf`, then its final result. libpq
    hands over one row per call: psycopg's own iteration (a generator and a wait per row) cost about twice the
    CPU of this loop at a million rows, which is most of reading them. The rows libpq has received are taken
    without waiting; when none is left, the wait is on the socket (poll, which lets other threads run), as
    psycopg waits. Once the final result is read, psycopg's copy block has nothing left to do and ends (on an
    exception it cancels the COPY itself)."""
    import select

    from psycopg import errors, pq

    waiting = select.poll()
    waiting.register(pgconn.socket, select.POLLIN)

    def wait() -> None:
        waiting.poll()
        pgconn.consume_input()

    get, write = pgconn.get_copy_data, buf.write
    while True:
        nbytes, data = get(1)
        if nbytes > 0:
            write(data)
        elif nbytes == 0:
            wait()
        else:  # -1: the rows are over (an error is -2, raised by psycopg)
            break
    # Every result up to the last (None): only then is the connection idle again. An error the server met
    # after sending rows (or instead of them) is among them.
    failed = None
    while True:
        while pgconn.is_busy():
            wait()
        if (result := pgconn.get_result()) is None:
            break
        if result.status != pq.ExecStatus.COMMAND_OK and failed is None:
            failed = errors.error_from_result(result, encoding="utf-8")
    if failed is not None:
        raise failed


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


def bulk_insert(
    model: type[models.Model], frame: pl.DataFrame, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Writes `frame`'s rows into `model`'s table; `progress(done, total)` after each chunk, if given."""
    if frame.height == 0:
        return 0
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [c for c in frame.columns if c not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if text and frame.select(pl.any_horizontal(pl.col(text).str.contains("\x00", literal=True).any())).item():
        raise ValueError(f"{model.__name__}: text holds NUL, which no database column stores; refuse it earlier")
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(fields[c].column) for c in frame.columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection  # the psycopg connection of Django's current transaction
        with connection.wrap_database_errors, raw.cursor() as cur:
            for start in range(0, frame.height, _CHUNK):
                buf = io.BytesIO()
                # Text quoted, NULL unquoted: in CSV mode PostgreSQL reads only an unquoted \N as NULL, so a
                # cell holding the two characters \N (MySQL's way of writing empty) stays that text.
                frame.slice(start, _CHUNK).write_csv(
                    buf, include_header=False, null_value="\\N", quote_style="non_numeric"
                )
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                    copy.write(buf.getvalue())
                if progress is not None:
                    progress(min(start + _CHUNK, frame.height), frame.height)
        return frame.height
    prepared = _prepare_sqlite(frame, fields)
    marks = ", ".join(["%s"] * len(frame.columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
    with big_write_cache(prepared.height >= _BIG_INSERT), connection.cursor() as cur:
        for start in range(0, prepared.height, _CHUNK):
            cur.executemany(sql, prepared.slice(start, _CHUNK).rows())
            if progress is not None:
                progress(min(start + _CHUNK, prepared.height), prepared.height)
    return frame.height


@contextmanager
def big_write_cache(big: bool = True) -> Iterator[None]:
    """On SQLite, while the block runs, a page cache large enough for the indexes of a million-row write and
    the database file memory-mapped (then the connection's own settings again); nothing elsewhere."""
    if not big or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache = int(cur.fetchone()[0])
        cur.execute("PRAGMA mmap_size")
        mapped = int((cur.fetchone() or [0])[0])  # no row for an in-memory database: nothing to map
        cur.execute(f"PRAGMA cache_size = -{_INSERT_CACHE_KIB}")
        cur.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {cache}")
            cur.execute(f"PRAGMA mmap_size = {mapped}")


def insert_select(
    model: type[models.Model], columns: list[str], queryset: models.QuerySet[Any], *, big: bool = True
) -> int:
    """`INSERT INTO model's table (columns) SELECT …` of a `values_list` queryset of as many columns, in the
    same order (`columns` are the model's attnames): the rows go from table to table inside the database,
    never through Python. Returns the rows written. Runs inside the caller's transaction."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    # Django (5.2) keeps a values_list's columns in the order given, in its SELECT as in `selected`.
    if len(queryset.query.selected or ()) != len(columns):
        raise ValueError("insert_select: the queryset must be a values_list of one column per target column")
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    quoted = ", ".join(connection.ops.quote_name(fields[c].column) for c in columns)
    with big_write_cache(big), connection.cursor() as cur:
        cur.execute(f"INSERT INTO {model._meta.db_table} ({quoted}) {sql}", params)
        return max(cur.rowcount, 0)
