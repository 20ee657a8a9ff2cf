"""Bulk set-up shared by the benches at a million households (bench_reports, bench_recompute): a region tree,
households and persons generated as columns (numpy, Polars) and written by core.bulk (COPY on PostgreSQL),
the big tables' indexes and constraints dropped for the load and built afterwards, payroll lines written by
the database itself (INSERT … SELECT from the entitlements), then ANALYZE. Not a test, not part of the app.

Import after django.setup() has run (the functions import the models when called).
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from typing import Any


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def full_frame(model: Any, frame: Any, now: dt.datetime) -> Any:
    """`frame` completed with every other NOT NULL column of `model` at its default."""
    import polars as pl

    extra = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in frame.columns:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extra[f.attname] = pl.lit(now)
        elif f.has_default():
            value = f.get_default()
            extra[f.attname] = pl.lit(str(value) if f.get_internal_type() == "DecimalField" else value)
        elif f.null:
            extra[f.attname] = pl.lit(None, dtype=pl.String)
        else:
            extra[f.attname] = pl.lit("")
    return frame.with_columns(**extra)


def region_tree(
    *, cities: int = 3, counties: int = 4, townships: int = 10, villages: int = 15, urban_villages: int = 3
) -> tuple[Any, list[Any], list[Any]]:
    """One province (浙江省) of `cities` × `counties` × `townships` × `villages`, the first `urban_villages` of
    each township urban (城镇, 111), the others rural (220). Returns the province, the counties, the villages."""
    from jiuzhu.regions.services import region_ensure

    province = region_ensure(code="330000000000", name="浙江省")
    county_list, village_list = [], []
    for c in range(cities):
        region_ensure(code=f"33{c + 1:02d}00000000", name=f"第{c + 1}市")
        for k in range(counties):
            county = region_ensure(code=f"33{c + 1:02d}{k + 21:02d}000000", name=f"第{c + 1}市第{k + 1}县")
            county_list.append(county)
            for t in range(townships):
                prefix = f"{county.code[:6]}{100 + t:03d}"
                region_ensure(code=f"{prefix}000", name=f"{county.name}第{t + 1}镇")
                for v in range(villages):
                    urban = "111" if v < urban_villages else "220"
                    village_list.append(
                        region_ensure(code=f"{prefix}{200 + v:03d}", name=f"第{t + 1}镇第{v + 1}村", urban_rural=urban)
                    )
    return province, county_list, village_list


def without_indexes(tables: list[str]) -> list[str]:
    """Drops the secondary indexes, unique indexes and (on PostgreSQL) the unique and foreign-key constraints
    of `tables`; returns the statements that put them back. A bulk load writes the rows once and each index
    is then built by one sort, instead of a B-tree insert per row and index (and a deferred trigger per row
    and foreign key at COMMIT on PostgreSQL)."""
    from django.db import connection

    restore: list[str] = []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s) AND c.contype IN ('u', 'f') "
                "ORDER BY c.contype DESC",  # unique before foreign keys when they are put back
                [tables],
            )
            constraints = cur.fetchall()
            for name, table, definition, _kind in constraints:
                cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND i.indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            for name, definition in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                restore.insert(0, definition)
        else:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                tables,
            )
            for name, definition in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                restore.append(definition)
    return restore


def restore_indexes(restore: list[str]) -> None:
    """Runs the statements without_indexes returned, printing the time."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        for statement in restore:
            cur.execute(statement)
    print(f"  indexes and constraints built in {time.perf_counter() - started:.0f} s", flush=True)


def reset_sequences(models: list[Any]) -> None:
    """On PostgreSQL, the id sequences of `models` moved past the ids the load gave explicitly, so that later
    inserts (reserve_ids, the ORM) take fresh ones. SQLite takes max(id) + 1 by itself."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, "
                "false)",
                [table],
            )


def analyze() -> None:
    """ANALYZE, and on SQLite the load moved from the WAL into the database file. On PostgreSQL VACUUM too, as
    autovacuum does soon after a bulk load: a live database's tables have their visibility map and their rows'
    hint bits set, and without it the timed part's first reads would rewrite every page the load wrote."""
    from django.db import connection

    started = time.perf_counter()
    statement = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cur:
        cur.execute(statement)
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"  {statement} {time.perf_counter() - started:.0f} s, peak RSS {rss_mib():.0f} MiB", flush=True)


def registry(rng: Any, n: int, villages: list[Any]) -> tuple[Any, Any]:
    """N households in `villages` (picked at random) of 1–4 members each (sex, birth date, 8 % disabled):
    the Household and Person frames in the tables' column names (ids 1…), without the columns left at their
    defaults (full_frame adds them). The households carry `urban` (their village is 城镇) as an extra column;
    drop it before writing. Draws from `rng` in a fixed order, so a seed gives the same registry."""
    import numpy as np
    import polars as pl

    pick = rng.integers(len(villages), size=n)
    codes = pl.Series("region_code", [v.code for v in villages])[pick]
    region_id = pl.Series("region_id", [v.pk for v in villages])[pick]
    urban = pl.Series("urban", [v.urban_rural == "111" for v in villages])[pick]
    ids = pl.int_range(1, n + 1, eager=True).alias("id")
    households = pl.DataFrame([ids, codes, region_id, urban]).select(
        "id",
        number=pl.lit("B") + pl.col("id").cast(pl.String).str.zfill(11),
        region_id="region_id",
        region_code="region_code",
        area=pl.when("urban").then(pl.lit("urban")).otherwise(pl.lit("rural")),
        head_name=pl.format("户主{}", pl.col("id") % 997),
        urban="urban",
    )
    sizes = rng.integers(1, 5, size=n)
    total = int(sizes.sum())
    hh_of = np.repeat(np.arange(1, n + 1), sizes)
    persons = pl.DataFrame(
        {
            "id": np.arange(1, total + 1),
            "household_id": hh_of,
            "year": rng.integers(1930, 2020, size=total),
            "month": rng.integers(1, 13, size=total),
            "male": rng.random(total) < 0.5,
            "disabled": rng.random(total) < 0.08,
        }
    ).with_columns(region_code=codes.gather(pl.Series(hh_of - 1)))
    persons = persons.select(
        "id",
        "household_id",
        "region_code",
        name=pl.format("姓名{}", pl.col("id") % 9973),
        name_initials=pl.lit("xm"),
        name_pinyin=pl.lit("xingming"),
        id_number_enc=pl.lit("x"),
        id_number_hash=pl.lit("h") + pl.col("id").cast(pl.String).str.zfill(31),
        id_masked=pl.lit("330000********0000"),
        birth_date=pl.date("year", "month", 1),
        sex=pl.when("male").then(pl.lit("M")).otherwise(pl.lit("F")),
        relation=pl.lit("self"),
        disability_kind=pl.when("disabled").then(pl.lit("physical")).otherwise(pl.lit("")),
    )
    return households, persons


def payroll_lines(
    months: list[dt.date],
    counties: list[Any],
    now: dt.datetime,
    *,
    status: str = "approved",
    adjustments: bool = True,
) -> int:
    """Per county and month one payroll in `status`; its lines written by the database itself from the
    entitlements (INSERT … SELECT): a regular line per entitlement paying that month (its amount in fen), and
    with `adjustments` back pay for 2 % of them and a recovery for 0.5 % (from the second month)."""
    from django.db import connection

    from jiuzhu.payments.models import Payroll, PayrollLine

    line = PayrollLine._meta.db_table
    ent = "payments_entitlement"
    columns = (
        "payroll_id, household_id, region_code, program, entitlement_id, kind, service_month, amount_fen, "
        "source_key, payee_name, bank_name, account_enc, account_masked, status, failure_reason, note"
    )
    fixed = "'户主', '农商银行', 'x', '6217********0000', 'paid', '', ''"
    amount = "CAST(ROUND(e.monthly_amount * 100) AS BIGINT)"
    join = f"FROM {ent} e JOIN bench_payroll p ON p.county = SUBSTR(e.region_code, 1, 6) AND p.month = %s"
    paying = "e.start_month <= %s AND (e.end_month IS NULL OR e.end_month >= %s)"
    total = 0
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_payroll (county VARCHAR(6), month DATE, payroll_id BIGINT, "
                    "PRIMARY KEY (county, month))")  # fmt: skip
        for m, month in enumerate(months):
            started = time.perf_counter()
            for county in counties:
                payroll = Payroll.objects.create(
                    month=month, region=county, region_code=county.code, status=status, approved_at=now
                )
                cur.execute("INSERT INTO bench_payroll VALUES (%s, %s, %s)", [county.code[:6], month, payroll.pk])
            cur.execute(
                f"INSERT INTO {line} ({columns}) SELECT p.payroll_id, e.household_id, e.region_code, e.program, e.id, "
                f"'regular', %s, {amount}, '', {fixed} {join} WHERE {paying}",
                [month, month, month, month],
            )
            written = cur.rowcount
            if m and adjustments:
                previous, tag = months[m - 1], f"{month:%Y%m}"
                cur.execute(
                    f"INSERT INTO {line} ({columns}) SELECT p.payroll_id, e.household_id, e.region_code, e.program, "
                    f"e.id, 'backpay', %s, {amount} / 10 + 1, 'adj:' || e.id || ':' || %s, {fixed} {join} "
                    f"WHERE {paying} AND e.start_month < %s AND e.household_id %% 50 = %s",
                    [previous, tag, month, month, month, month, m % 50],
                )
                written += cur.rowcount
                cur.execute(
                    f"INSERT INTO {line} ({columns}) SELECT p.payroll_id, e.household_id, e.region_code, e.program, "
                    f"e.id, 'recovery', %s, -({amount} / 20 + 1), 'rec:' || e.id || ':' || %s, {fixed} {join} "
                    f"WHERE {paying} AND e.start_month < %s AND e.household_id %% 200 = %s",
                    [previous, tag, month, month, month, month, (m + 7) % 200],
                )
                written += cur.rowcount
            total += written
            print(f"  {month:%Y-%m}: {written:,} lines in {time.perf_counter() - started:.1f} s", flush=True)
        cur.execute("DROP TABLE bench_payroll")
    return total
