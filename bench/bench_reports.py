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
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bulkgen import analyze, full_frame, payroll_lines, region_tree, registry, restore_indexes, rss_mib, without_indexes


def _setup(n: int, months: list[dt.date], seed: int) -> tuple[Any, list[Any]]:
    import numpy as np
    import polars as pl
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.models import Entitlement, EntitlementEvent, EntitlementPerson, PayrollLine
    from jiuzhu.registry.models import Household, Person

    rng = np.random.default_rng(seed)
    now = timezone.now()
    province, counties, villages = region_tree()
    started = time.perf_counter()
    households, persons = registry(rng, n, villages)
    ids, codes, urban = households["id"], households["region_code"], households["urban"]
    households = households.drop("urban")
    total = persons.height
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
        restore = without_indexes(tables)
        started = time.perf_counter()
        bulk_insert(Household, full_frame(Household, households, now))
        bulk_insert(Person, full_frame(Person, persons, now))
        bulk_insert(Entitlement, full_frame(Entitlement, entitlements, now))
        bulk_insert(EntitlementPerson, covered)
        bulk_insert(EntitlementEvent, full_frame(EntitlementEvent, pl.concat([events, stops]), now))
        print(f"  households {n:,}, persons {total:,}, entitlements {n:,} written in "
              f"{time.perf_counter() - started:.0f} s, peak RSS {rss_mib():.0f} MiB", flush=True)  # fmt: skip
        del households, persons, covered, events, stops, entitlements
        gc.collect()
        lines_total = payroll_lines(months, counties, now)
        print(f"  payroll lines {lines_total:,}", flush=True)
        restore_indexes(restore)
    analyze()
    return province, counties


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
