"""The county's statistics over a province: 1 000 000 households with 24 months of payrolls, on SQLite.

    .venv/bin/python bench/bench_reports.py [--households 1000000] [--months 24] [--seed 7]

A fresh data directory (unless DATABASE_URL is set: then that database, which must be a throwaway one),
`migrate`, one province of 3 cities × 4 counties × 10 townships × 15 villages. Written in bulk with core.bulk
(not timed; the real payroll path would take 24 × its own bench's time, so the lines are generated directly,
as payroll_generate would write them): N households of 1–4 members (sex, age, a disability, urban or rural),
one entitlement each (dibao_urban, dibao_rural, tekun_dispersed; 70 % paid since the first month, the rest
starting month by month, 5 % stopping), their covered persons and events, and per county and month one
approved payroll with a regular line per paying entitlement, back pay for 2 % of them and a recovery for 0.5 %.

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
import random
import resource
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


def _setup(n: int, months: list[dt.date], seed: int) -> tuple[Any, list[Any]]:
    import polars as pl
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.models import Entitlement, EntitlementEvent, EntitlementPerson, Payroll, PayrollLine
    from jiuzhu.registry.models import Household, Person

    rng = random.Random(seed)
    now = timezone.now()
    province, counties, villages = _regions()
    village = [villages[rng.randrange(len(villages))] for _ in range(n)]
    codes = [v.code for v in village]
    urban = [v.urban_rural == "111" for v in village]
    households = pl.DataFrame(
        {
            "id": range(1, n + 1),
            "number": [f"B{i:011d}" for i in range(1, n + 1)],
            "region_id": [v.pk for v in village],
            "region_code": codes,
            "area": ["urban" if u else "rural" for u in urban],
            "head_name": [f"户主{i % 997}" for i in range(n)],
        }
    )
    sizes = [1 + rng.randrange(4) for _ in range(n)]
    total = sum(sizes)
    hh_of = [h for h, s in enumerate(sizes, start=1) for _ in range(s)]
    persons = pl.DataFrame(
        {
            "id": range(1, total + 1),
            "household_id": hh_of,
            "region_code": [codes[h - 1] for h in hh_of],
            "name": [f"姓名{i % 9973}" for i in range(total)],
            "name_initials": ["xm"] * total,
            "name_pinyin": ["xingming"] * total,
            "id_number_enc": ["x"] * total,
            "id_number_hash": [f"h{i:031d}" for i in range(total)],
            "id_masked": ["330000********0000"] * total,
            "birth_date": [dt.date(1930 + rng.randrange(90), 1 + rng.randrange(12), 1) for _ in range(total)],
            "sex": ["M" if rng.random() < 0.5 else "F" for _ in range(total)],
            "relation": ["self"] * total,
            "disability_kind": ["physical" if rng.random() < 0.08 else "" for _ in range(total)],
        }
    )
    programs = ["dibao_urban", "dibao_rural", "tekun_dispersed"]
    program = [("dibao_urban" if urban[i] else "dibao_rural") if i % 10 else programs[2] for i in range(n)]
    amount_fen = [rng.randrange(10_000, 120_000) for _ in range(n)]
    first = [0 if rng.random() < 0.7 else rng.randrange(len(months)) for _ in range(n)]
    last = [min(len(months) - 1, f + 3 + rng.randrange(12)) if rng.random() < 0.05 else len(months) - 1 for f in first]
    entitlements = pl.DataFrame(
        {
            "id": range(1, n + 1),
            "household_id": range(1, n + 1),
            "region_code": codes,
            "program": program,
            "monthly_amount": [f"{a / 100:.2f}" for a in amount_fen],
            "start_month": [months[f] for f in first],
            "end_month": [months[e] if e < len(months) - 1 else None for e in last],
            "status": ["stopped" if e < len(months) - 1 else "active" for e in last],
        },
        schema_overrides={"end_month": pl.Date},
    )
    covered = persons.select(pl.col("household_id").alias("entitlement_id"), pl.col("id").alias("person_id"))
    events = pl.DataFrame(
        {
            "entitlement_id": range(1, n + 1),
            "kind": ["created"] * n,
            "cause": ["decision"] * n,
            "effective_month": [months[f] for f in first],
            "recorded_on": [months[f] for f in first],
        }
    )
    stops = entitlements.filter(pl.col("end_month").is_not_null()).select(
        pl.col("id").alias("entitlement_id"),
        kind=pl.lit("stopped"),
        cause=pl.lit("review"),
        effective_month=pl.col("end_month").dt.offset_by("1mo"),
        recorded_on=pl.col("end_month"),
    )
    with transaction.atomic():
        bulk_insert(Household, _full_frame(Household, households, now))
        bulk_insert(Person, _full_frame(Person, persons, now))
        bulk_insert(Entitlement, _full_frame(Entitlement, entitlements, now))
        bulk_insert(EntitlementPerson, covered)
        bulk_insert(EntitlementEvent, _full_frame(EntitlementEvent, pl.concat([events, stops]), now))
    print(f"  households {n:,}, persons {total:,}, entitlements {n:,}, peak RSS {rss_mib():.0f} MiB", flush=True)
    del households, persons, covered, events, stops
    gc.collect()
    base = pl.DataFrame(
        {
            "household_id": range(1, n + 1),
            "entitlement_id": range(1, n + 1),
            "region_code": codes,
            "program": program,
            "amount_fen": amount_fen,
            "first": first,
            "last": last,
        }
    ).with_columns(county=pl.col("region_code").str.slice(0, 6))
    lines_total = 0
    for m, month in enumerate(months):
        with transaction.atomic():
            payroll_of = {}
            for county in counties:
                payroll = Payroll.objects.create(
                    month=month, region=county, region_code=county.code, status="approved", approved_at=now
                )
                payroll_of[county.code[:6]] = payroll.pk
            paying = base.filter((pl.col("first") <= m) & (pl.col("last") >= m))
            kinds = [paying.with_columns(kind=pl.lit("regular"), service_month=pl.lit(month), source_key=pl.lit(""))]
            if m:
                previous = months[m - 1]
                back = paying.filter(pl.col("household_id") % 50 == m % 50, pl.col("first") < m)
                kinds.append(
                    back.with_columns(
                        kind=pl.lit("backpay"),
                        service_month=pl.lit(previous),
                        amount_fen=pl.col("amount_fen") // 10 + 1,
                        source_key=pl.format("adj:{}:{}", "entitlement_id", pl.lit(f"{month:%Y%m}")),
                    )
                )
                rec = paying.filter(pl.col("household_id") % 200 == (m + 7) % 200, pl.col("first") < m)
                kinds.append(
                    rec.with_columns(
                        kind=pl.lit("recovery"),
                        service_month=pl.lit(previous),
                        amount_fen=-(pl.col("amount_fen") // 20 + 1),
                        source_key=pl.format("rec:{}:{}", "entitlement_id", pl.lit(f"{month:%Y%m}")),
                    )
                )
            lines = pl.concat(kinds).with_columns(
                payroll_id=pl.col("county").replace_strict(payroll_of, return_dtype=pl.Int64),
                payee_name=pl.lit("户主"),
                bank_name=pl.lit("农商银行"),
                account_enc=pl.lit("x"),
                account_masked=pl.lit("6217********0000"),
                status=pl.lit("paid"),
                failure_reason=pl.lit(""),
                note=pl.lit(""),
            )
            lines = lines.drop("first", "last", "county")
            bulk_insert(PayrollLine, lines)
            lines_total += lines.height
        print(f"  {month:%Y-%m}: {lines.height:,} lines", flush=True)
    print(f"  payroll lines {lines_total:,}, peak RSS {rss_mib():.0f} MiB", flush=True)
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
    args = parser.parse_args()
    data_dir = tempfile.TemporaryDirectory(prefix="jz-bench-reports-")
    os.environ.setdefault("JIUZHU_DATA_DIR", data_dir.name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from jiuzhu.accounts.models import Role
    from jiuzhu.accounts.services import user_create
    from jiuzhu.payments.models import add_months
    from jiuzhu.reports.dashboard import dashboard_build
    from jiuzhu.reports.exports import monthly_pdf, monthly_xlsx
    from jiuzhu.reports.selectors import RegionScope
    from jiuzhu.reports.services.snapshots import snapshot_build

    print(f"cores: {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}, "
          f"n={args.households:,}, months={args.months}", flush=True)  # fmt: skip
    call_command("migrate", verbosity=0)
    months = [add_months(dt.date(2025, 1, 1), i) for i in range(args.months)]
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

    out = Path(data_dir.name) / "out"
    cpu, started = time.process_time(), time.perf_counter()
    path = monthly_xlsx(region=province, month=last, path=out / "province.xlsx")
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"province monthly xlsx: {took:.2f} s (CPU {took_cpu:.2f} s), {path.stat().st_size // 1024} KiB", flush=True)
    cpu, started = time.process_time(), time.perf_counter()
    pdf = monthly_pdf(region=province, month=last)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"province monthly PDF: {took:.2f} s (CPU {took_cpu:.2f} s), {len(pdf) // 1024} KiB", flush=True)
    print(f"peak RSS {rss_mib():.0f} MiB, load {os.getloadavg()[0]:.1f}")
    data_dir.cleanup()


if __name__ == "__main__":
    main()
