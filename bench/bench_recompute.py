"""Benchmark of the 提标 apply (issue 9): entitlements_recompute over a county, then the next payroll's
adjustments() turning the arrears into back pay. A script, not part of the test run:

    .venv/bin/python bench/bench_recompute.py [--households 1000000] [--months 6] [--seed 1]
        [--data-dir DIR] [--keep] [--reuse]

Set-up (not timed; bulkgen, as bench_reports): a fresh data directory (--data-dir, else a temporary one; the
database too unless DATABASE_URL is set: then that database, which must be a throwaway one), `migrate`, one
county of 20 townships × 20 villages (4 城镇 each) with the shipped parameters, and one township whose own
农村低保标准 is higher (450 元). N households of 1–4 members, a third of the members earning wages (0–800 元),
some severely disabled or seriously ill, generated as columns (numpy, Polars); the engine evaluates them in
the set-up on the first month of arrears, and every household it finds eligible for 低保 gets that amount as
a running entitlement (since a year before) with its covered persons and creation event, written by core.bulk
(COPY on PostgreSQL) with the big tables' indexes and constraints dropped and built afterwards; then one
reconciled payroll per month for `--months` months, its regular lines written by the database (INSERT …
SELECT); ANALYZE. Then a raise saved as the county admin would: 城市 528 → 560, 农村 396 → 430 元 from the
first month of arrears, and one village of the township above lowered to 420 元 on the same date (its
households' amounts would fall: listed for a person, not applied).

Timed, in a fresh process (so the peak RSS is the timed part's; the set-up re-runs itself with --reuse):
  1. entitlements_recompute (the registry read, the engine twice, bulk new links, persons, events, old links
     closed), committed;
  2. adjustments() for the current month (back pay for every raised entitlement × month), checked against
     the rises × months.
Prints wall and CPU time of this process and, on PostgreSQL, of its server backend, peak RSS, cores and load.
--keep leaves the data directory (and the database); --reuse --data-dir DIR (the same DATABASE_URL on
PostgreSQL) undoes the previous apply (not timed; on PostgreSQL then VACUUM ANALYZE of the three tables it
wrote) and times again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bulkgen import (
    analyze,
    full_frame,
    payroll_lines,
    region_tree,
    registry,
    reset_sequences,
    restore_indexes,
    rss_mib,
    without_indexes,
)

RAISE = {"dibao.standard.urban": "560", "dibao.standard.rural": "430"}
TOWNSHIP_RURAL, VILLAGE_RURAL = "450", "420"  # the township's own standard, one of its villages' after the date


def _typed(households: Any, persons: Any) -> tuple[Any, Any]:
    """The generated rows as the engine's typed frames (policy.rules.frames: money in fen, defaults filled)."""
    import polars as pl

    from jiuzhu.policy.rules.frames import HOUSEHOLD_FIELDS, HOUSEHOLD_KEYS, PERSON_FIELDS, PERSON_KEYS, Kind

    def fill(frame: Any, fields: Any, keys: dict[str, Any]) -> Any:
        exprs = [pl.col(k).cast(t) for k, t in keys.items()]
        for f in fields:
            if f.name in frame.columns:
                col = pl.col(f.name)
                exprs.append((col.cast(pl.Int64) if f.kind is Kind.MONEY else col).cast(f.engine_dtype))
            else:
                exprs.append(pl.lit(None if f.default is None else f.default, dtype=f.engine_dtype).alias(f.name))
        return frame.select(exprs)

    return fill(households, HOUSEHOLD_FIELDS, HOUSEHOLD_KEYS), fill(persons, PERSON_FIELDS, PERSON_KEYS)


def _yuan(fen: Any) -> Any:
    """Non-negative fen as the text of yuan ("560.50"), what the Decimal columns take in bulk."""
    import polars as pl

    return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.String).str.zfill(2))


def _setup(n: int, months: list[dt.date], seed: int) -> None:
    import numpy as np
    import polars as pl
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.accounts.models import Role
    from jiuzhu.accounts.services import user_create
    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.models import Entitlement, EntitlementEvent, EntitlementPerson, PayrollLine, add_months
    from jiuzhu.policy.rules import evaluate
    from jiuzhu.policy.rules.frames import engine_frames
    from jiuzhu.policy.selectors import parameters_frame
    from jiuzhu.policy.services import parameter_add, parameters_load_defaults
    from jiuzhu.regions.models import Region
    from jiuzhu.registry.models import Household, Person

    rng = np.random.default_rng(seed)
    now = timezone.now()
    _province, counties, villages = region_tree(cities=1, counties=1, townships=20, villages=20, urban_villages=4)
    county = counties[0]
    parameters_load_defaults(region=county)
    admin = user_create(actor=None, username="bench-admin", password="bench-pass-2026", role=Role.COUNTY_ADMIN,
                        region=county, check_password=False)  # fmt: skip
    township = Region.objects.get(code=f"{county.code[:6]}119000")
    parameter_add(actor=admin, region=township, key="dibao.standard.rural", value=TOWNSHIP_RURAL,
                  effective_from=dt.date(2023, 1, 1), source="bench: 乡镇自定标准")  # fmt: skip
    started = time.perf_counter()
    households, persons = registry(rng, n, villages)
    households = households.drop("urban")
    total = persons.height
    working = rng.random(total) < 0.35
    wage = np.where(working, rng.integers(0, 80_000, size=total), 0)  # fen
    transfer = np.where(rng.random(total) < 0.2, rng.integers(0, 20_000, size=total), 0)
    grade = rng.integers(1, 5, size=total)
    ill = rng.random(total) < 0.02
    persons = persons.with_columns(
        income_wage=pl.Series(wage),
        income_transfer=pl.Series(transfer),
        disability_grade=pl.when(pl.col("disability_kind") != "").then(pl.Series(grade)),
        serious_illness=pl.Series(ill),
    )
    effective = months[0]
    typed = _typed(households, persons)  # money in fen for the engine; the tables hold yuan
    persons = persons.with_columns(_yuan(pl.col(c)) for c in ("income_wage", "income_transfer"))
    params = parameters_frame(regions=[county], below=True)
    out = evaluate(*engine_frames(*typed, effective), params, explain=False).households
    amounts = (
        out.select("household_id", "dibao_urban.monthly", "dibao_rural.monthly")
        .unpivot(index="household_id", variable_name="program", value_name="fen")
        .with_columns(pl.col("program").str.replace(".monthly", "", literal=True), pl.col("fen").cast(pl.Int64))
        .filter(pl.col("fen") > 0)
        .sort("household_id")
    )
    del out, typed
    m = amounts.height
    entitlements = amounts.join(households.select(pl.col("id").alias("household_id"), "region_code"),
                                on="household_id").with_row_index("id", offset=1)  # fmt: skip
    entitlements = entitlements.select(
        pl.col("id").cast(pl.Int64),
        "household_id",
        "region_code",
        "program",
        monthly_amount=_yuan(pl.col("fen")),
        start_month=pl.lit(add_months(effective, -12)),
        status=pl.lit("active"),
        reason=pl.lit("bench"),
    )
    covered = entitlements.select(pl.col("id").alias("entitlement_id"), "household_id").join(
        persons.select(pl.col("id").alias("person_id"), "household_id"), on="household_id"
    )
    events = entitlements.select(
        pl.col("id").alias("entitlement_id"),
        kind=pl.lit("created"),
        cause=pl.lit("decision"),
        effective_month="start_month",
        amount_after="monthly_amount",
        recorded_on="start_month",
    )
    print(f"  generated and evaluated in {time.perf_counter() - started:.0f} s: {n:,} households, {total:,} "
          f"persons, {m:,} eligible for 低保 ({m / n:.0%}), peak RSS {rss_mib():.0f} MiB", flush=True)  # fmt: skip
    tables = [
        x._meta.db_table for x in (Household, Person, Entitlement, EntitlementPerson, EntitlementEvent, PayrollLine)
    ]
    with transaction.atomic():
        restore = without_indexes(tables)
        started = time.perf_counter()
        bulk_insert(Household, full_frame(Household, households, now))
        bulk_insert(Person, full_frame(Person, persons, now))
        bulk_insert(Entitlement, full_frame(Entitlement, entitlements, now))
        bulk_insert(EntitlementPerson, covered.drop("household_id"))
        bulk_insert(EntitlementEvent, full_frame(EntitlementEvent, events, now))
        print(f"  registry and entitlements written in {time.perf_counter() - started:.0f} s, "
              f"peak RSS {rss_mib():.0f} MiB", flush=True)  # fmt: skip
        del households, persons, covered, events, entitlements
        gc.collect()
        lines = payroll_lines(months, [county], now, status="reconciled", adjustments=False)
        print(f"  payroll lines {lines:,}", flush=True)
        restore_indexes(restore)
        reset_sequences([Household, Person, Entitlement])
    analyze()
    # The raise, saved after the entitlements were decided (on the old standards).
    village = Region.objects.get(code=f"{township.code[:9]}219")
    for key, value in RAISE.items():
        parameter_add(actor=admin, region=county, key=key, value=value, effective_from=effective, source="bench: 提标")
    parameter_add(actor=admin, region=village, key="dibao.standard.rural", value=VILLAGE_RURAL,
                  effective_from=effective, source="bench: 村标准下调")  # fmt: skip


def _undo() -> int:
    """Puts the database back as the set-up left it: the links an earlier apply made removed, the links they
    replaced running again (not timed)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM payments_entitlement WHERE previous_id IS NOT NULL")
        made = int(cur.fetchone()[0])
        if made:
            new = "SELECT id FROM payments_entitlement WHERE previous_id IS NOT NULL"
            cur.execute(f"DELETE FROM payments_entitlementperson WHERE entitlement_id IN ({new})")
            cur.execute(f"DELETE FROM payments_entitlementevent WHERE entitlement_id IN ({new})")
            cur.execute(
                "CREATE TEMP TABLE bench_old AS SELECT previous_id AS id FROM payments_entitlement "
                "WHERE previous_id IS NOT NULL"
            )
            cur.execute("DELETE FROM payments_entitlement WHERE previous_id IS NOT NULL")
            cur.execute(
                "UPDATE payments_entitlement SET status = 'active', end_month = NULL, reason = 'bench' "
                "WHERE id IN (SELECT id FROM bench_old)"
            )
            cur.execute("DROP TABLE bench_old")
    if made and connection.vendor == "postgresql":
        # The dead rows of the apply and of its undoing cleared away, as autovacuum would have long before a
        # real apply (and the statistics fresh), and the indexes rebuilt: each undo leaves the index pages of
        # a million deleted rows behind (the covered persons' key index grew to 108 bytes an entry over a
        # dozen re-runs), so that each re-run starts from the same tables.
        with connection.cursor() as cur:
            for table in ("payments_entitlement", "payments_entitlementperson", "payments_entitlementevent"):
                cur.execute(f"VACUUM ANALYZE {table}")
                cur.execute(f"REINDEX TABLE {table}")
    return made


class Clock:
    """Wall and CPU time of this process and, on PostgreSQL, of the connection's server backend
    (/proc/<pid>/stat of the same machine)."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                self.backend = int(cur.fetchone()[0])

    def _backend_cpu(self) -> float:
        if self.backend is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.t, self.cpu, self.server = time.perf_counter(), time.process_time(), self._backend_cpu()

    def text(self) -> str:
        wall, cpu = time.perf_counter() - self.t, time.process_time() - self.cpu
        out = f"{wall:6.1f} s (CPU {cpu:.1f} s"
        if self.backend is not None:
            out += f", server backend CPU {self._backend_cpu() - self.server:.1f} s"
        return out + f"), peak RSS {rss_mib():.0f} MiB, load {os.getloadavg()[0]:.1f}"


def _timed() -> None:
    import polars as pl

    from jiuzhu.accounts.models import User
    from jiuzhu.payments.models import Payroll, add_months
    from jiuzhu.payments.services.arrears import adjustments
    from jiuzhu.payments.services.recompute import entitlements_recompute
    from jiuzhu.regions.models import Region

    undone = _undo()
    if undone:
        print(f"undid the previous apply ({undone:,} links), not timed", flush=True)
    county = Region.objects.get(code="330121000000")
    admin = User.objects.get(username="bench-admin")
    paid = sorted(Payroll.objects.values_list("month", flat=True).distinct())
    effective, this_month, months = paid[0], add_months(paid[-1], 1), len(paid)
    clock = Clock()
    clock.start()
    result = entitlements_recompute(actor=admin, key="dibao.standard.urban", region=county, effective_from=effective)
    print(f"entitlements_recompute: {clock.text()}\n  evaluated {result.evaluated:,}, raised {result.raised:,} "
          f"(+{result.monthly_increase:,} 元 a month), unchanged {result.unchanged:,}, "
          f"for decision {len(result.for_decision):,}", flush=True)  # fmt: skip
    clock.start()
    lines = adjustments(month=this_month, region_code_prefix=county.code[:6])
    print(f"adjustments:            {clock.text()}\n  {lines.height:,} back-pay lines, "
          f"{lines['amount_fen'].sum() / 100:,.2f} 元", flush=True)  # fmt: skip
    expected = int(result.monthly_increase * 100) * months
    backpay = lines.filter(pl.col("kind") == "backpay")
    assert backpay.height == result.raised * months, (backpay.height, result.raised * months)
    assert int(backpay["amount_fen"].sum()) == expected, (int(backpay["amount_fen"].sum()), expected)
    assert lines.height == backpay.height, "no recovery: falls are listed, not applied"
    print(f"checked: back pay = the rises × {months} months ({expected / 100:,.2f} 元)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", help="the data directory (SQLite database); default: a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the database) afterwards")
    parser.add_argument("--reuse", action="store_true", help="skip the set-up: time again on a kept database")
    parser.add_argument("--drop", action="store_true", help=argparse.SUPPRESS)  # the set-up's own re-run
    args = parser.parse_args()
    if args.reuse and not args.data_dir:
        parser.error("--reuse needs --data-dir (and on PostgreSQL the same DATABASE_URL)")
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        data_path = Path(args.data_dir).resolve()
    else:
        data_path = Path(tempfile.mkdtemp(prefix="jz-bench-recompute-"))
    os.environ["JIUZHU_DATA_DIR"] = str(data_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from jiuzhu.payments.models import add_months, first_of_month

    print(f"cores: {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}, data {data_path}"
          + ("" if args.reuse else f", n={args.households:,}, months={args.months}"), flush=True)  # fmt: skip
    if not args.reuse:
        call_command("migrate", verbosity=0)
        this_month = first_of_month(timezone.localdate())
        months = [add_months(this_month, i - args.months) for i in range(args.months)]
        started = time.perf_counter()
        _setup(args.households, months, args.seed)
        print(f"set-up (not timed): {time.perf_counter() - started:.0f} s", flush=True)
        again = [sys.executable, __file__, "--reuse", "--data-dir", str(data_path)]
        code = subprocess.call([*again, "--keep" if args.keep else "--drop"])
        if not args.keep:
            shutil.rmtree(data_path, ignore_errors=True)
        else:
            print(f"kept: re-time with --reuse --data-dir {data_path}" + (" (and the same DATABASE_URL)" if
                  os.environ.get("DATABASE_URL") else ""))  # fmt: skip
        sys.exit(code)
    # A kept database made by an earlier version of the code: brought up to date first (not timed).
    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    lines = out.getvalue().splitlines()
    applied = [line.split()[1].rstrip(".") for line in lines if line.strip().startswith("Applying")]
    if applied:
        print(f"migrated the kept database: {', '.join(applied)}", flush=True)
    _timed()


if __name__ == "__main__":
    main()
