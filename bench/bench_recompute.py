"""Benchmark of the 提标 apply (issue 9): entitlements_recompute over a county, then the next payroll's
adjustments() turning the arrears into back pay. A script, not part of the test run:

    .venv/bin/python bench/bench_recompute.py [--households 1000000] [--months 6] [--seed 1] [--all]

Builds the demo county (`jiuzhu demo --no-serve`) in a fresh data dir (SQLite unless DATABASE_URL is set),
gives every household the engine finds eligible its 低保 amount as a running entitlement, pays it for
`--months` months (one payroll per month, regular lines, bulk), saves a raise of both 低保 standards
effective `--months` months ago, then times:
  1. entitlements_recompute (engine twice on every household, bulk new links, persons, events);
  2. adjustments() for the current month (back pay for every raised entitlement × month).
With --all every household gets one (100 yuan where the engine gives nothing): the issue's worst case, in
which the whole registry is read and evaluated. Set-up is not timed. Peak memory is the process's maxrss
after each stage.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--all", action="store_true", help="every household entitled (100 yuan where the engine gives nothing)"
    )
    args = parser.parse_args()
    os.environ["JIUZHU_DATA_DIR"] = tempfile.mkdtemp(prefix="jz-bench-recompute-")
    started = time.perf_counter()
    # As `jiuzhu demo` runs for a county: the command line also creates the data dir's keys.
    demo = [sys.executable, "-m", "jiuzhu", "demo", "--households", str(args.households), "--seed", str(args.seed)]
    subprocess.run([*demo, "--no-serve"], check=True, stdout=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()

    import polars as pl
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.accounts.models import Role, User
    from jiuzhu.core.bulk import bulk_insert, reserve_ids
    from jiuzhu.payments.models import (
        AccountFlag,
        BankFile,
        BankReturn,
        Collection,
        Entitlement,
        EntitlementPerson,
        Payroll,
        PayrollLine,
        add_months,
        first_of_month,
    )
    from jiuzhu.payments.services.arrears import adjustments
    from jiuzhu.payments.services.recompute import entitlements_recompute
    from jiuzhu.policy.rules import evaluate
    from jiuzhu.policy.selectors import parameters_frame, population_frames
    from jiuzhu.policy.services import parameter_add
    from jiuzhu.regions.models import Level, Region
    from jiuzhu.registry.models import Person, Relation

    county = Region.objects.get(level=Level.COUNTY)
    # The demo pays its own entitlements (payroll_seed): its payrolls would hold the months paid here.
    with transaction.atomic():
        AccountFlag.objects.all().delete()
        Collection.objects.all().delete()
        BankReturn.objects.all().delete()
        BankFile.objects.all().delete()
        PayrollLine.objects.all().delete()
        Payroll.objects.all().delete()
    admin = User.objects.filter(role=Role.COUNTY_ADMIN).first()
    this_month = first_of_month(timezone.localdate())
    effective = add_months(this_month, -args.months)
    households, persons = population_frames(region_code_prefix=county.prefix, date=effective)
    evaluated = evaluate(households, persons, parameters_frame(regions=[county], below=True), explain=False)
    amounts = (
        evaluated.households.select("household_id", "dibao_urban.monthly", "dibao_rural.monthly")
        .unpivot(index="household_id", variable_name="program", value_name="before_fen")
        .with_columns(pl.col("program").str.replace(".monthly", "", literal=True), pl.col("before_fen").cast(pl.Int64))
    )
    if args.all:
        # One running 低保 entitlement per household: the worst case, every household read and evaluated.
        amounts = (
            amounts.sort("household_id", "before_fen", descending=[False, True])
            .unique("household_id", keep="first")
            .with_columns(pl.max_horizontal("before_fen", pl.lit(10_000)).alias("before_fen"))
        )
    amounts = amounts.filter(pl.col("before_fen") > 0)
    heads = pl.DataFrame(
        list(Person.objects.filter(relation=Relation.SELF).values_list("household_id", "id", "household__region_code")),
        schema={"household_id": pl.Int64, "person_id": pl.Int64, "region_code": pl.String},
        orient="row",
    )
    ents = amounts.join(heads, on="household_id").with_columns(
        monthly_amount=pl.format(
            "{}.{}", pl.col("before_fen") // 100, (pl.col("before_fen") % 100).cast(pl.String).str.zfill(2)
        )
    )
    n = ents.height
    start = add_months(effective, -12)
    with transaction.atomic():
        ids = reserve_ids(Entitlement, n)
        ents = ents.with_columns(id=pl.Series(ids, dtype=pl.Int64))
        bulk_insert(
            Entitlement,
            ents.select(
                "id", "household_id", "region_code", "program", "monthly_amount",
                pl.lit(start).alias("start_month"), pl.lit("active").alias("status"),
                pl.lit(False).alias("gradual_exit"),
                pl.lit("").alias("reason"), pl.lit(timezone.now()).alias("created_at"),
            ),
        )  # fmt: skip
        bulk_insert(EntitlementPerson, ents.select(pl.col("id").alias("entitlement_id"), "person_id"))
        for i in range(args.months):
            month = add_months(effective, i)
            payroll = Payroll.objects.create(month=month, region=county, region_code=county.code, status="reconciled")
            bulk_insert(
                PayrollLine,
                ents.select(
                    pl.lit(payroll.pk, dtype=pl.Int64).alias("payroll_id"), "household_id", "region_code", "program",
                    pl.col("id").alias("entitlement_id"), pl.lit("regular").alias("kind"),
                    pl.lit(month).alias("service_month"), pl.col("before_fen").alias("amount_fen"),
                    pl.lit("").alias("source_key"), pl.lit("").alias("payee_name"), pl.lit("").alias("bank_name"),
                    pl.lit("").alias("account_enc"), pl.lit("").alias("account_masked"), pl.lit("paid").alias("status"),
                    pl.lit("").alias("failure_reason"), pl.lit("").alias("note"),
                ),
            )  # fmt: skip
    for key, value in (("dibao.standard.urban", "560"), ("dibao.standard.rural", "430")):
        parameter_add(actor=admin, region=county, key=key, value=value, effective_from=effective, source="bench")
    print(f"set-up: {args.households:,} households, {n:,} entitlements paid {args.months} months "
          f"({time.perf_counter() - started:.0f} s), {os.cpu_count()} cores")  # fmt: skip

    t, cpu = time.perf_counter(), time.process_time()  # CPU: comparable between runs on a busy machine
    result = entitlements_recompute(actor=admin, key="dibao.standard.urban", region=county, effective_from=effective)
    print(f"entitlements_recompute: {time.perf_counter() - t:6.1f} s (CPU {time.process_time() - cpu:.1f} s)  "
          f"raised {result.raised:,}, "
          f"for decision {len(result.for_decision):,}, peak RSS {maxrss_mb():.0f} MiB")  # fmt: skip
    t, cpu = time.perf_counter(), time.process_time()
    lines = adjustments(month=this_month, region_code_prefix=county.code[:6])
    print(f"adjustments:            {time.perf_counter() - t:6.1f} s (CPU {time.process_time() - cpu:.1f} s)  "
          f"{lines.height:,} back-pay lines, "
          f"{lines['amount_fen'].sum() / 100:,.2f} 元, peak RSS {maxrss_mb():.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
