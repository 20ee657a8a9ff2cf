"""Search latency through the web page with 1 000 000 persons.

    ./dev bench search [--persons 1000000] [--samples 200] [--database-url URL]

Builds (once) a demo county with about --persons persons in bench/out/search/ (or the database named by
--database-url), then times GET /registry/search/?q=… through Django's full request cycle (middleware,
session, scope filter, pagination count, template) for full ID numbers and pinyin initials, as a county
approver and as a township caseworker. Reports p50/p95/max in milliseconds. Target: p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERSONS_PER_HOUSEHOLD = 2.45  # the demo generator's mean household size, roughly


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--data-dir", default=str(ROOT / "bench" / "out" / "search"))
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()

    os.environ["JIUZHU_DATA_DIR"] = args.data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()  # the keys, as the `jiuzhu` command would make them: the settings only read them
    django.setup()
    from django.db import DatabaseError, connection
    from django.test import Client

    from jiuzhu.accounts.models import User
    from jiuzhu.registry.models import Person

    def person_count() -> int:
        try:
            return Person.objects.count()
        except DatabaseError:  # no tables yet
            return 0

    if person_count() < args.persons * 0.95:
        households = int(args.persons / PERSONS_PER_HOUSEHOLD)
        print(f"building the county: about {households:,} households …", flush=True)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "jiuzhu", "demo", "--households", str(households), "--no-serve", "--reset"],
            check=True,
            env=os.environ.copy(),
        )
        print(f"built in {time.perf_counter() - t:.0f} s", flush=True)
        connection.close()
    total = person_count()
    print(f"{total:,} persons, database: {connection.vendor}; cores: {os.cpu_count()}")

    rng = random.Random(42)
    max_id = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample_ids = [rng.randint(1, max_id) for _ in range(args.samples * 2)]
    sample = list(Person.objects.filter(id__in=sample_ids).select_related("household")[: args.samples])

    approver = User.objects.filter(role="county_approver").first()
    caseworker = User.objects.filter(role="township_caseworker").first()
    assert approver and caseworker, "the demo county has no approver or caseworker"
    township_prefix = caseworker.scope_prefix or ""
    local = list(Person.objects.filter(household__region_code__startswith=township_prefix)[:2000])
    rng.shuffle(local)
    local = local[: args.samples]

    def run(user: User, queries: list[str]) -> list[float]:
        client = Client(HTTP_HOST="localhost")  # testserver is not an allowed host
        client.force_login(user)
        client.get("/registry/search/", {"q": queries[0]})  # warm caches
        times = []
        for q in queries:
            t = time.perf_counter()
            response = client.get("/registry/search/", {"q": q})
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        return times

    def report(label: str, times: list[float]) -> None:
        ordered = sorted(times)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"{label:<44} n={len(times):>4}  p50 {statistics.median(times):6.1f} ms"
            f"  p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms"
        )

    report("ID number, county approver", run(approver, [p.id_number for p in sample]))
    report("pinyin initials, county approver", run(approver, [p.name_initials for p in sample]))
    report("ID number, township caseworker", run(caseworker, [p.id_number for p in local]))
    report("pinyin initials, township caseworker", run(caseworker, [p.name_initials for p in local]))
    report("name prefix (surname), county approver", run(approver, [p.name[:1] for p in sample]))


if __name__ == "__main__":
    main()
