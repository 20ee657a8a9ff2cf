"""One household through the engine, as its page asks (issue 11: ≤ 20 ms).

    ./dev bench household [--households 300] [--data-dir bench/out/load] [--database-url URL]

Reads --households households of the demo county that bench_load.py builds (bench/out/load, or the database
named by --database-url; build it first with `./dev bench load`), then times, per household, in wall and CPU
milliseconds (median and p95 over the households, after one warm-up pass):

- engine: `evaluate(households, persons, params, explain=True)` on the household's frames: every monthly
  programme with its explanation lines, the parameter resolution included (kept per (region, date));
- frames: reading the household and its members into the engine's frames (`household_frames`) and the
  parameter rows of its region (`parameters_frame`);
- panel: `household_evaluation`, the panel's computation afresh: the two above and the labels;
- stored: `evaluation_current`, what the panel calls: the stored evaluation checked against the household's
  input digest (it is computed and stored here first when missing or stale);
- page: the whole household page through Django's test client as the demo township caseworker (households of
  that township), with the number of queries it takes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=300)
    ap.add_argument("--data-dir", default=str(ROOT / "bench" / "out" / "load"))
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    os.environ["JIUZHU_DATA_DIR"] = args.data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    import polars as pl
    from django.db import connection

    from jiuzhu.policy import selectors, services
    from jiuzhu.policy.rules import evaluate
    from jiuzhu.registry.models import Household

    step = max(1, Household.objects.count() // max(args.households, 1))
    households = list(Household.objects.select_related("region").order_by("id")[::step][: args.households])
    if not households:
        raise SystemExit("no households: build the county first (./dev bench load)")
    day = dt.date.today()
    frames = [selectors.household_frames(household=h, date=day) for h in households]
    params = [selectors.parameters_frame(regions=[h.region]) for h in households]

    def timed(label: str, run: Callable[[int], object]) -> None:
        for i in range(len(households)):  # warm-up: caches, Polars' thread pool, SQLite's pages
            run(i)
        wall, cpu = [], []
        for i in range(len(households)):
            w, c = time.perf_counter(), time.process_time()
            run(i)
            wall.append(1000 * (time.perf_counter() - w))
            cpu.append(1000 * (time.process_time() - c))

        def p95(xs: list[float]) -> float:
            return sorted(xs)[int(0.95 * (len(xs) - 1))]

        print(f"{label:<8} wall median {statistics.median(wall):6.1f} ms, p95 {p95(wall):6.1f} ms; "
              f"CPU median {statistics.median(cpu):6.1f} ms, p95 {p95(cpu):6.1f} ms")  # fmt: skip

    members = sum(f[1].height for f in frames)
    print(f"{len(households)} households ({members} persons), {connection.vendor}; cores: {os.cpu_count()}, "
          f"polars {pl.__version__}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    timed("engine", lambda i: evaluate(*frames[i], params[i], explain=True))
    timed("frames", lambda i: (selectors.household_frames(household=households[i], date=day),
                               selectors.parameters_frame(regions=[households[i].region])))  # fmt: skip
    timed("panel", lambda i: selectors.household_evaluation(household=households[i], date=day))
    if hasattr(services, "evaluation_current"):  # the branch before stored evaluations has not
        timed("stored", lambda i: services.evaluation_current(household=households[i], date=day))

    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiuzhu.accounts.models import User

    user = User.objects.get(username="caseworker")
    mine = list(
        Household.objects.filter(region_code__startswith=user.scope_prefix).order_by("id").values_list("id", flat=True)
    )
    urls = [f"/registry/households/{pk}/" for pk in mine[:: max(1, len(mine) // len(households))][: len(households)]]
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the default settings
    client.force_login(user)
    queries: list[int] = []

    def page(i: int) -> None:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(urls[i % len(urls)])
        assert response.status_code == 200, response.status_code
        queries.append(len(ctx.captured_queries))
        reset_queries()

    timed("page", page)
    print(f"page queries: median {statistics.median(queries):.0f}, max {max(queries)}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
