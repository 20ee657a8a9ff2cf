"""The county's statistics over a province: 1 000 000 households with 24 months of payrolls, on SQLite.

    .venv/bin/python bench/bench_reports.py [--households 1000000] [--months 24] [--seed 7]
        [--data-dir DIR] [--keep] [--reuse]

A fresh data directory (--data-dir, else a temporary one; the database too unless DATABASE_URL is set: then
that database, which must be a throwaway one), `migrate`, one province of 3 cities × 4 counties × 10
townships × 15 villages. Set-up (not timed): N households of 1–4 members (sex, age, a disability, urban or
rural), one entitlement each (dibao_urban, dibao_rural, tekun_dispersed; 70 % paid since the first month, the
rest starting month by month, 5 % stopping), their covered persons and events, generated as columns (numpy,
Polars) and written by core.bulk (COPY on PostgreSQL); then per county and month one approved payroll whose
lines the database writes itself from the entitlements (INSERT … SELECT, as payroll_generate would write them:
a regular line per paying entitlement, back pay for 2 % of them and a recovery for 0.5 %). The big tables'
indexes and unique/foreign-key constraints are dropped for the load and built afterwards, then ANALYZE.
--keep leaves the data directory (and the database) in place; --reuse --data-dir DIR skips the set-up and
times again on it (with the same DATABASE_URL on PostgreSQL).

Timed:
1. the snapshot job for the last month (`snapshot_build`: the whole province, every level, every programme),
   target ≤ 60 s; the other months' snapshots are then written by scaling that month's rows (not the job,
   which would take months × that time: the dashboard's reads and the xlsx do not depend on how they were made);
2. the county dashboard rendered for a county approver through the Django test client (the page with its
   charts' JSON, the tables, the sentences), target ≤ 1 s; also the province's dashboard built for the command
   line's reader;
3. the province-level monthly xlsx (`monthly_xlsx`: five sheets, every region down to the townships), ≤ 10 s;
   and the province's PDF report.
Prints cores, load average and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _full_frame(model: Any, frame: Any, now: dt.datetime) -> Any:
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


def _regions() -> tuple[Any, list[Any], list[Any]]:
    from jiuzhu.regions.services import region_ensure

    province = region_ensure(code="330000000000", name="浙江省")
    counties, villages = [], []
    for c in range(3):
        region_ensure(code=f"33{c + 1:02d}00000000", name=f"第{c + 1}市")
        for k in range(4):
            county = region_ensure(code=f"33{c + 1:02d}{k + 21:02d}000000", name=f"第{c + 1}市第{k + 1}县")
            counties.append(county)
            for t in range(10):
                prefix = f"{county.code[:6]}{100 + t:03d}"
                region_ensure(code=f"{prefix}000", name=f"{county.name}第{t + 1}镇")
                for v in range(15):
                    urban = "111" if v < 3 else "220"
                    villages.append(
                        region_ensure(code=f"{prefix}{200 + v:03d}", name=f"第{t + 1}镇第{v + 1}村", urban_rural=urban)
                    )
    return province, counties, villages


def _without_indexes(tables: list[str]) -> list[str]:
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


def _setup(n: int, months: list[dt.date], seed: int) -> tuple[Any, list[Any]]:
    import numpy as np
    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.models import Entitlement, EntitlementEvent, EntitlementPerson, PayrollLine
    from jiuzhu.registry.models import Household, Person

    rng = np.random.default_rng(seed)
    now = timezone.now()
    province, counties, villages = _regions()
    started = time.perf_counter()
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
    count = len(months)
    amount_fen = rng.integers(10_000, 120_000, size=n)
    first = np.where(rng.random(n) < 0.7, 0, rng.integers(0, count, size=n))
    last = np.where(rng.random(n) < 0.05, np.minimum(count - 1, first + 3 + rng.integers(0, 12, size=n)), count - 1)
    month_of = pl.Series("m", months, dtype=pl.Date)
    entitlements = pl.DataFrame([ids, codes, urban]).with_columns(
        household_id="id",
        amount=pl.Series(amount_fen),
        start_month=month_of.gather(pl.Series(first)),
        end_month=pl.when(pl.Series(last) < count - 1).then(month_of.gather(pl.Series(last))),
    )
    entitlements = entitlements.select(
        "id",
        "household_id",
        "region_code",
        program=pl.when((pl.col("id") - 1) % 10 == 0)
        .then(pl.lit("tekun_dispersed"))
        .when("urban")
        .then(pl.lit("dibao_urban"))
        .otherwise(pl.lit("dibao_rural")),
        monthly_amount=(pl.col("amount") // 100).cast(pl.String)
        + "."
        + (pl.col("amount") % 100).cast(pl.String).str.zfill(2),
        start_month="start_month",
        end_month="end_month",
        status=pl.when(pl.col("end_month").is_null()).then(pl.lit("active")).otherwise(pl.lit("stopped")),
    )
    covered = persons.select(pl.col("household_id").alias("entitlement_id"), pl.col("id").alias("person_id"))
    events = entitlements.select(
        pl.col("id").alias("entitlement_id"),
        kind=pl.lit("created"),
        cause=pl.lit("decision"),
        effective_month="start_month",
        recorded_on="start_month",
    )
    stops = entitlements.filter(pl.col("end_month").is_not_null()).select(
        pl.col("id").alias("entitlement_id"),
        kind=pl.lit("stopped"),
        cause=pl.lit("review"),
        effective_month=pl.col("end_month").dt.offset_by("1mo"),
        recorded_on=pl.col("end_month"),
    )
    print(f"  generated in {time.perf_counter() - started:.0f} s, peak RSS {rss_mib():.0f} MiB", flush=True)
    tables = [
        m._meta.db_table for m in (Household, Person, Entitlement, EntitlementPerson, EntitlementEvent, PayrollLine)
    ]
    with transaction.atomic():
        restore = _without_indexes(tables)
        started = time.perf_counter()
        bulk_insert(Household, _full_frame(Household, households, now))
        bulk_insert(Person, _full_frame(Person, persons, now))
        bulk_insert(Entitlement, _full_frame(Entitlement, entitlements, now))
        bulk_insert(EntitlementPerson, covered)
        bulk_insert(EntitlementEvent, _full_frame(EntitlementEvent, pl.concat([events, stops]), now))
        print(f"  households {n:,}, persons {total:,}, entitlements {n:,} written in "
              f"{time.perf_counter() - started:.0f} s, peak RSS {rss_mib():.0f} MiB", flush=True)  # fmt: skip
        del households, persons, covered, events, stops, entitlements
        gc.collect()
        lines_total = _payroll_lines(months, counties, now)
        started = time.perf_counter()
        with connection.cursor() as cur:
            for statement in restore:
                cur.execute(statement)
        print(f"  indexes and constraints built in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        if connection.vendor == "sqlite":  # the load sits in the WAL: move it into the database file
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    took = time.perf_counter() - started
    print(f"  payroll lines {lines_total:,}; ANALYZE {took:.0f} s, peak RSS {rss_mib():.0f} MiB", flush=True)
    return province, counties


def _payroll_lines(months: list[dt.date], counties: list[Any], now: dt.datetime) -> int:
    """Per county and month one approved payroll; its lines written by the database itself from the
    entitlements (INSERT … SELECT): a regular line per paying entitlement, back pay for 2 % of them and a
    recovery for 0.5 % (from the second month)."""
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
                    month=month, region=county, region_code=county.code, status="approved", approved_at=now
                )
                cur.execute("INSERT INTO bench_payroll VALUES (%s, %s, %s)", [county.code[:6], month, payroll.pk])
            cur.execute(
                f"INSERT INTO {line} ({columns}) SELECT p.payroll_id, e.household_id, e.region_code, e.program, e.id, "
                f"'regular', %s, {amount}, '', {fixed} {join} WHERE {paying}",
                [month, month, month, month],
            )
            written = cur.rowcount
            if m:
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


def _scaled_months(built: dt.date, months: list[dt.date]) -> int:
    """The other months' snapshots, from the built month's rows scaled down towards the first month."""
    import polars as pl
    from django.db import transaction

    from jiuzhu.core.bulk import bulk_insert, read_frame
    from jiuzhu.reports.models import Snapshot
    from jiuzhu.reports.services.snapshots import SUM_COLUMNS

    cols = ["region_code", "level", "program", *SUM_COLUMNS]
    schema = {c: (pl.String if c in ("region_code", "program") else pl.Int64) for c in cols}
    rows = read_frame(Snapshot.objects.filter(month=built).values_list(*cols), schema)
    built_at = Snapshot.objects.filter(month=built).values_list("built_at", flat=True).first()
    written = 0
    with transaction.atomic():
        Snapshot.objects.exclude(month=built).delete()  # a re-run on a kept database replaces them
        for i, month in enumerate(months):
            if month == built:
                continue
            factor = 0.7 + 0.3 * i / max(1, len(months) - 1)
            scaled = rows.with_columns(
                [(pl.col(c) * factor).cast(pl.Int64) for c in SUM_COLUMNS if c != "population"],
                month=pl.lit(month),
                built_at=pl.lit(built_at),
            )
            written += bulk_insert(Snapshot, scaled)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", help="the data directory (SQLite database, outputs); default: a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the database) afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="skip the set-up: time again on the database a --keep run left"
    )
    args = parser.parse_args()
    if args.reuse and not (args.data_dir or os.environ.get("DATABASE_URL")):
        parser.error("--reuse needs --data-dir (SQLite) or DATABASE_URL")
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        data_path = Path(args.data_dir).resolve()
    else:
        data_path = Path(tempfile.mkdtemp(prefix="jz-bench-reports-"))
    os.environ["JIUZHU_DATA_DIR"] = str(data_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from jiuzhu.accounts.models import Role, User
    from jiuzhu.accounts.services import user_create
    from jiuzhu.payments.models import add_months
    from jiuzhu.regions.models import Region
    from jiuzhu.reports.dashboard import dashboard_build
    from jiuzhu.reports.exports import monthly_pdf, monthly_xlsx
    from jiuzhu.reports.selectors import RegionScope
    from jiuzhu.reports.services.snapshots import snapshot_build

    print(f"cores: {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}, "
          f"n={args.households:,}, months={args.months}, data {data_path}", flush=True)  # fmt: skip
    months = [add_months(dt.date(2025, 1, 1), i) for i in range(args.months)]
    if args.reuse:
        province = Region.objects.get(code="330000000000")
        counties = list(Region.objects.filter(code__regex=r"^33\d{4}000000$").exclude(code__endswith="00000000"))
        counties.sort(key=lambda r: r.code)
        print(f"reusing the database: {len(counties)} counties", flush=True)
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        province, counties = _setup(args.households, months, args.seed)
        print(f"setup (not timed): {time.perf_counter() - started:.0f} s", flush=True)
    last = months[-1]

    cpu, started = time.process_time(), time.perf_counter()
    rows = snapshot_build(month=last)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"snapshot job, one month ({last:%Y-%m}): {took:.1f} s (CPU {took_cpu:.1f} s) — {rows:,} rows, "
          f"peak RSS {rss_mib():.0f} MiB, load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    print(f"  other months' snapshots scaled from it (not timed): {_scaled_months(last, months):,} rows", flush=True)

    settings.ALLOWED_HOSTS = ["*"]
    if not User.objects.filter(username="bench").exists():
        user_create(actor=None, username="bench", password="bench-pass-2026", role=Role.COUNTY_APPROVER,
                    region=counties[0], check_password=False)  # fmt: skip
    client = Client()
    assert client.login(username="bench", password="bench-pass-2026")
    client.get("/reports/")  # warm-up: templates, translations, the first connection
    times, cpus = [], []
    for _ in range(5):
        cpu, started = time.process_time(), time.perf_counter()
        page = client.get("/reports/", {"month": f"{last:%Y-%m}"})
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        assert page.status_code == 200 and b"rp-data" in page.content
    print(f"county dashboard (HTTP, {counties[0].name}): best {min(times) * 1000:.0f} ms, "
          f"median {sorted(times)[2] * 1000:.0f} ms of 5 (CPU best {min(cpus) * 1000:.0f} ms), "
          f"{len(page.content) // 1024} KiB", flush=True)  # fmt: skip
    started = time.perf_counter()
    board = dashboard_build(user=RegionScope(province), region=province, month=last)
    print(f"province dashboard (built, no HTML): {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"{board.total['persons']:,} persons, {len(board.children)} cities", flush=True)  # fmt: skip

    out = data_path / "out"
    cpu, started = time.process_time(), time.perf_counter()
    path = monthly_xlsx(region=province, month=last, path=out / "province.xlsx")
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"province monthly xlsx: {took:.2f} s (CPU {took_cpu:.2f} s), {path.stat().st_size // 1024} KiB", flush=True)
    cpu, started = time.process_time(), time.perf_counter()
    pdf = monthly_pdf(region=province, month=last)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"province monthly PDF: {took:.2f} s (CPU {took_cpu:.2f} s), {len(pdf) // 1024} KiB", flush=True)
    print(f"peak RSS {rss_mib():.0f} MiB, load {os.getloadavg()[0]:.1f}")
    if args.keep:
        print(f"kept: re-time with --reuse --data-dir {data_path}" + (" (and the same DATABASE_URL)" if
              os.environ.get("DATABASE_URL") else ""))  # fmt: skip
    else:
        shutil.rmtree(data_path, ignore_errors=True)


if __name__ == "__main__":
    main()
