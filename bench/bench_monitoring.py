"""The monitoring scan over a county: `monitoring_scan` on every household (the registry read in bulk, the
engine's 低保 class, the active entitlements, the monitoring rules, bulk writes). A script, not part of the
test run:

    .venv/bin/python bench/bench_monitoring.py [--households 100000] [--seed 1]

Builds the demo county (`jiuzhu demo --no-serve`, which itself monitors it) in a fresh data dir (SQLite unless
DATABASE_URL is set: then that database, which must be a throwaway one), empties the monitoring tables (not
timed), then times: 1. the first scan of the county (every candidate enrolled with its first assessment);
2. the same scan again (must write nothing); 3. the scan two months later (every monitored household's
scheduled assessment and next date). Prints households, the counts of each run and peak RSS.
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
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["JIUZHU_DATA_DIR"] = tempfile.mkdtemp(prefix="jz-bench-monitoring-")
    started = time.perf_counter()
    demo = [sys.executable, "-m", "jiuzhu", "demo", "--households", str(args.households), "--seed", str(args.seed)]
    subprocess.run([*demo, "--no-serve"], check=True, stdout=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()

    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.monitoring.models import Assessment, Measure, MonitoredHousehold
    from jiuzhu.monitoring.services import monitoring_scan
    from jiuzhu.payments.models import add_months
    from jiuzhu.regions.models import Level, Region

    county = Region.objects.get(level=Level.COUNTY)
    with transaction.atomic():
        Measure.objects.all().delete()
        Assessment.objects.all().delete()
        MonitoredHousehold.objects.all().delete()
    print(f"set-up: demo county of {args.households:,} households ({time.perf_counter() - started:.0f} s), "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    today = timezone.localdate()
    for label, on in (("first scan", today), ("same day again", today), ("two months later", add_months(today, 2))):
        t, cpu = time.perf_counter(), time.process_time()
        r = monitoring_scan(actor=None, region=county, on=on)
        print(f"{label:>17}: {time.perf_counter() - t:6.1f} s (CPU {time.process_time() - cpu:5.1f} s)  "
              f"households {r.households:,}, enrolled {r.enrolled:,}, changed {r.changed:,}, "
              f"assessed {r.assessed:,}; peak RSS {maxrss_mb():.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
