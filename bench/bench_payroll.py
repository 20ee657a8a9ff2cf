"""The month's payroll over N active entitlements: `payroll_generate` for a whole county, on SQLite or PostgreSQL.

    .venv/bin/python bench/bench_payroll.py [--households 1000000] [--seed 7] [--bank-file LAYOUT] [--profile]

A fresh data directory (unless DATABASE_URL is set: then that database, which must be a throwaway one),
`migrate`, one county of 12 townships × 20 villages, N households and N active entitlements written with
core.bulk (not timed), a month of back pay none (services.arrears decides that). Timed: generating the
county's payroll of every programme (the N regular lines by one INSERT … SELECT in the database, the
adjustments through Polars, the totals), then generating it again (must add nothing), then the township
comparison beside an empty last month. With
--bank-file LAYOUT (nongshang_txt, yikatong, csv) the payroll is then approved (not timed: two status changes)
and its bank file written with bank_file_export (timed: reading the lines, netting, decrypting every account,
the file, the BankFile row), and generate + bank file is printed: the issue's target, ≤ 30 s. Prints cores,
load average and peak RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import os
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (from /proc: the server on this machine),
    or None on SQLite or a remote server. With the process's own CPU time, what a run cost on a busy
    machine, where wall time says little."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_text(process: float, server: float | None) -> str:
    return f"CPU {process:.1f} s" + ("" if server is None else f" + server {server:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bank-file", metavar="LAYOUT", default="", help="also write the bank file in LAYOUT")
    parser.add_argument("--profile", action="store_true", help="cProfile the generation: where the time goes")
    args = parser.parse_args()
    data_dir = tempfile.TemporaryDirectory(prefix="jz-bench-payroll-")
    os.environ.setdefault("JIUZHU_DATA_DIR", data_dir.name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.core import pii
    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.bankfiles.export import bank_file_export
    from jiuzhu.payments.models import Entitlement, Payroll, PayrollStatus
    from jiuzhu.payments.selectors import payroll_compare
    from jiuzhu.payments.services.payroll import payroll_generate
    from jiuzhu.regions.services import region_ensure
    from jiuzhu.registry.models import Household

    load = os.getloadavg()[0]
    print(f"cores: {os.cpu_count()}, load {load:.1f}, python {sys.version.split()[0]}, n={args.households:,}")
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    region_ensure(code="330000000000", name="浙江省")
    region_ensure(code="330700000000", name="金华市")
    county = region_ensure(code="330727000000", name="磐安县")
    villages = []
    for t in range(12):
        region_ensure(code=f"330727{100 + t:03d}000", name=f"第{t + 1}镇")
        for v in range(20):
            villages.append(region_ensure(code=f"330727{100 + t:03d}{200 + v:03d}", name=f"第{t + 1}镇第{v + 1}村"))
    n = args.households
    started = time.perf_counter()
    # A thousand distinct accounts, encrypted once: AES-GCM per household is the import's cost, not payroll's.
    accounts = [f"62170{rng.randrange(10**13):013d}" for _ in range(1000)]
    enc = [pii.encrypt(a) for a in accounts]
    masked = [pii.mask_account(a) for a in accounts]
    village_of = [villages[rng.randrange(len(villages))] for _ in range(n)]
    now = timezone.now()
    households = pl.DataFrame(
        {
            "id": range(1, n + 1),
            "number": [f"B{i:011d}" for i in range(1, n + 1)],
            "region_id": [v.pk for v in village_of],
            "region_code": [v.code for v in village_of],
            "area": ["rural"] * n,
            "head_name": [f"户主{i % 997}" for i in range(n)],
            "bank_name": ["农商银行"] * n,
            "bank_account_enc": [enc[i % 1000] for i in range(n)],
            "bank_account_masked": [masked[i % 1000] for i in range(n)],
            "deposits": ["0"] * n,
            "vehicles": [0] * n,
            "disability_vehicle": [False] * n,
            "homes": [1] * n,
            "business": [False] * n,
        }
    ).with_columns(
        address=pl.lit(""), phone_enc=pl.lit(""), phone_masked=pl.lit(""), notes=pl.lit(""),
        created_at=pl.lit(now), updated_at=pl.lit(now),
    )  # fmt: skip
    programs = ["dibao_urban", "dibao_rural", "tekun_central"]
    entitlements = pl.DataFrame(
        {
            "household_id": range(1, n + 1),
            "region_code": [v.code for v in village_of],
            "program": [programs[i % 3] for i in range(n)],
            "monthly_amount": [f"{rng.randrange(10000, 120000) / 100:.2f}" for _ in range(n)],
            "start_month": [dt.date(2026, 1 + i % 12, 1) for i in range(n)],
            "status": ["active"] * n,
            "gradual_exit": [False] * n,
            "reason": [""] * n,
        }
    ).with_columns(created_at=pl.lit(now))
    with transaction.atomic():
        bulk_insert(Household, households)
        bulk_insert(Entitlement, entitlements)
    from django.db import connection

    if connection.vendor == "postgresql":  # a deployed database has its statistics (autovacuum analyses)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"setup: {time.perf_counter() - started:.1f} s, peak RSS {rss_mib():.0f} MiB")
    # The set-up's own frames are not the payroll's: free them, as a `jiuzhu payroll` process never has them.
    del households, entitlements, village_of, accounts, enc, masked
    gc.collect()
    month = dt.date(2027, 1, 1)
    cpu = time.process_time()  # this process's CPU: comparable between runs on a busy machine, wall time is not
    server = server_cpu()
    started = time.perf_counter()
    prof = cProfile.Profile()
    if args.profile:
        prof.enable()
    payroll = payroll_generate(actor=None, month=month, region=county)
    generate = time.perf_counter() - started
    generate_cpu = time.process_time() - cpu
    generate_server = None if server is None else (server_cpu() or 0) - server
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    print(f"generate: {generate:.1f} s ({cpu_text(generate_cpu, generate_server)}) — {payroll.line_count:,} lines, "
          f"{payroll.total_fen / 100:,.2f} yuan, "
          f"peak RSS {rss_mib():.0f} MiB")  # fmt: skip
    started = time.perf_counter()
    again = payroll_generate(actor=None, month=month, region=county)
    assert again.pk == payroll.pk and again.line_count == payroll.line_count
    print(f"generate again (adds nothing): {time.perf_counter() - started:.3f} s")

    class System:  # the comparison reads through the scope of a county-wide user
        scope_prefix = "330727"

    started = time.perf_counter()
    rows = payroll_compare(user=System(), payroll=payroll)  # type: ignore[arg-type]
    assert sum(r.total_fen for r in rows) == payroll.total_fen
    print(f"township comparison: {time.perf_counter() - started:.1f} s, {len(rows)} townships, "
          f"peak RSS {rss_mib():.0f} MiB")  # fmt: skip
    if args.bank_file:
        Payroll.objects.filter(pk=payroll.pk).update(status=PayrollStatus.APPROVED)
        payroll.refresh_from_db()
        cpu = time.process_time()
        server = server_cpu()
        started = time.perf_counter()
        prof = cProfile.Profile()
        if args.profile:
            prof.enable()
        bank_file, data = bank_file_export(actor=None, payroll=payroll, layout=args.bank_file)
        (Path(data_dir.name) / bank_file.filename).write_bytes(data)
        export = time.perf_counter() - started
        export_cpu = time.process_time() - cpu
        export_server = None if server is None else (server_cpu() or 0) - server
        if args.profile:
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(20)
        assert bank_file.total_fen == payroll.total_fen
        print(f"bank file ({args.bank_file}): {export:.1f} s ({cpu_text(export_cpu, export_server)}) — "
              f"{bank_file.line_count:,} transfers, "
              f"{len(data) / 2**20:.0f} MiB, peak RSS {rss_mib():.0f} MiB, sha256 {bank_file.sha256[:16]}")  # fmt: skip
        both = None if generate_server is None or export_server is None else generate_server + export_server
        print(f"generate + bank file: {generate + export:.1f} s ({cpu_text(generate_cpu + export_cpu, both)}), "
              f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    data_dir.cleanup()


if __name__ == "__main__":
    main()
