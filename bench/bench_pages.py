"""CPU per page and role: the pages bench_load.py asks, one after another through Django's test client.

    ./dev bench pages [--data-dir bench/out/load] [--database-url URL] [--requests 40] [--roles ...]
                      [--pages search,household,todo] [--profile ROLE:PAGE] [--sort tottime]

On the county bench_load.py builds (build it first with `./dev bench load`), as each demo staff member (village
clerk, township caseworkers and head, county approver), asks --requests URLs of each page (a search of its own
region's names, pinyin initials, household numbers and ID numbers; a household page of its region; its to-do
list) after one warm-up pass over the same URLs, and prints the process CPU milliseconds per request (median,
mean and p95), the queries per request (median) and on PostgreSQL the CPU its backend spent per request (mean,
from /proc: the server on this machine). CPU, not wall time, is the figure to compare on a shared machine.
`--profile caseworker:household` runs that role's page under cProfile instead and prints the 40 costliest
functions (`--sort pyinstrument`: the sampling profiler by CPU time, if installed).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
STAFF = ("clerk", "caseworker", "caseworker2", "township_head", "approver")
PAGES = ("search", "household", "todo")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=str(ROOT / "bench" / "out" / "load"))
    ap.add_argument("--database-url", default="")
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--roles", default=",".join(STAFF))
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--profile", default="", help="ROLE:PAGE to run under cProfile")
    ap.add_argument("--sort", default="tottime", help="cProfile sort key (tottime, cumulative), or pyinstrument")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.environ["JIUZHU_DATA_DIR"] = args.data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    os.environ.setdefault("JIUZHU_DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiuzhu.accounts.models import User
    from jiuzhu.registry.models import Household

    rng = random.Random(args.seed)
    roles = [r for r in args.roles.split(",") if r]
    pages = [p for p in args.pages.split(",") if p]
    if args.profile:
        role, page = args.profile.split(":")
        roles, pages = [role], [page]
    users = {u.username: u for u in User.objects.filter(username__in=roles)}
    print(f"{Household.objects.count():,} households, {connection.vendor}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"{'role':<14} {'page':<10} {'CPU med':>8} {'mean':>7} {'p95':>7} {'queries':>7} {'db mean':>7}")
    for role in roles:
        user = users[role]
        urls = _urls(user, rng, args.requests)
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        for page in pages:

            def ask(url: str, client: Client = client) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            for url in urls[page]:  # warm-up
                ask(url)
            if args.profile:
                _profile(ask, urls[page], args.sort)
                return
            cpu: list[float] = []
            backend = _backend_cpu(connection)
            for url in urls[page]:
                c = time.process_time()
                ask(url)
                cpu.append(1000 * (time.process_time() - c))
            db_ms = 1000 * (_backend_cpu(connection) - backend) / len(urls[page])
            queries = []
            for url in urls[page][:10]:
                with CaptureQueriesContext(connection) as ctx:
                    ask(url)
                queries.append(len(ctx.captured_queries))
                reset_queries()
            p95 = sorted(cpu)[int(0.95 * (len(cpu) - 1))]
            print(f"{role:<14} {page:<10} {statistics.median(cpu):8.1f} {statistics.mean(cpu):7.1f} {p95:7.1f} "
                  f"{statistics.median(queries):7.0f} {db_ms:7.1f}")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _backend_cpu(connection: Any) -> float:
    """The CPU seconds of this connection's PostgreSQL backend so far (Linux /proc, the server on this
    machine); 0 on SQLite, whose work is in the process's own CPU."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _urls(user: Any, rng: random.Random, n: int) -> dict[str, list[str]]:
    """n URLs of each page in the user's region: household pages, searches of its people, the to-do list."""
    from jiuzhu.registry.models import Household, Person

    prefix = user.scope_prefix or ""
    ids = list(Household.objects.filter(region_code__startswith=prefix).order_by("id").values_list("id", flat=True))
    people = list(
        Person.objects.filter(household__region_code__startswith=prefix)
        .order_by("id")
        .values_list("name", "name_initials", "household__number")[:2000]
    )
    terms: list[str] = []
    for name, initials, number in rng.sample(people, min(len(people), n)):
        terms += [name[:1], name, initials[:2], number[:14]]
    return {
        "household": [f"/registry/households/{i}/" for i in rng.sample(ids, min(n, len(ids)))],
        "search": [f"/registry/search/?q={quote(t)}" for t in rng.sample(terms, n) if t],
        "todo": ["/cases/"] * n,
    }


def _profile(ask: Callable[[str], None], urls: list[str], sort: str) -> None:
    """The page's URLs under cProfile (sorted by `sort`), or under pyinstrument (sampling, by CPU time; pip
    install pyinstrument) with --sort pyinstrument."""
    if sort == "pyinstrument":
        from pyinstrument import Profiler
        from pyinstrument.stack_sampler import get_stack_sampler

        get_stack_sampler().timer_func = time.process_time  # CPU time: the machine may be shared
        sampler = Profiler(interval=0.0002)
        sampler.start()
        for url in urls * 3:
            ask(url)
        sampler.stop()
        print(sampler.output_text(unicode=True, show_all=False))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls:
        ask(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(40)


if __name__ == "__main__":
    main()
