"""The web pages under load: gunicorn, 50 logged-in sessions, 60 s of search, household pages and to-do lists.

    ./dev bench load [--households 20000] [--sessions 50] [--seconds 60] [--workers 4] [--database-url URL]
                     [--pages search,household,todo]

Builds (once) a demo county of --households households in bench/out/load/ (SQLite) or in the database named
by --database-url (PostgreSQL: use a database of your own, e.g. `createdb -h 127.0.0.1 -U postgres
jiuzhu_bench`; never `test`), then starts gunicorn (--workers sync workers, persistent database connections)
on it and runs --sessions clients for --seconds, each logged in as one of the demo county's staff (village
clerk, township caseworkers and head, county approver) and asking, one request after another, at random and
equally often: a search (names, pinyin initials, household numbers and ID numbers of its own region), a
household page of its region (with the eligibility panel, cases and findings), or its to-do list.

The load generator runs on the same cores as the server, so it is cheap: one process, asyncio, raw HTTP/1.1
with keep-alive where the server keeps the connection (gunicorn's sync workers close it after each answer,
so a session reconnects, as a browser would). A request's time runs from the connect or send to the last byte
of the answer, so it includes the wait for a free worker. Printed: requests/s, p50/p95/p99 and the errors
(any status but 200, or a broken connection) per page and overall, the core count and the load average
before and after, and the CPU the server spent per answer (gunicorn's workers, and PostgreSQL's backends), from
which the rate a quiet machine of as many cores would reach follows. Target (issue 11): ≥ 120 requests/s and
p95 ≤ 500 ms on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF = ("clerk", "caseworker", "caseworker2", "township_head", "approver")
PAGES = ("search", "household", "todo")


@dataclass
class Session:
    username: str
    cookie: str
    urls: dict[str, list[str]]
    pages: tuple[str, ...] = PAGES


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    statuses: dict[str, int] = field(default_factory=dict)


def prepare(args: argparse.Namespace) -> list[Session]:
    """Builds the county when the database does not hold it, then makes the sessions and their URLs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()
    from django.db import DatabaseError, connection
    from django.test import Client

    from jiuzhu.accounts.models import User
    from jiuzhu.registry.models import Household, Person

    def households() -> int:
        try:
            return Household.objects.count()
        except DatabaseError:
            return 0

    if households() < args.households * 0.95:
        print(f"building the demo county: {args.households:,} households …", flush=True)
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "jiuzhu", "demo", "--households", str(args.households), "--no-serve", "--reset"]
        subprocess.run(cmd, check=True, env=os.environ.copy())
        print(f"built in {time.perf_counter() - t:.0f} s", flush=True)
        connection.close()
    else:  # a county built by an earlier version: its schema and its stored evaluations brought up to date,
        # as a deployed server's upgrade and nightly refresh would (not timed)
        connection.close()
        t = time.perf_counter()
        for cmd in (["migrate", "--no-input"], ["evaluations", "refresh"]):
            subprocess.run([sys.executable, "-m", "jiuzhu", *cmd], check=True, env=os.environ.copy(),
                           stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"migrated, evaluations refreshed in {time.perf_counter() - t:.0f} s", flush=True)
    print(f"{households():,} households, {Person.objects.count():,} persons, database: {connection.vendor}")

    rng = random.Random(args.seed)
    sessions = []
    users = {u.username: u for u in User.objects.filter(username__in=STAFF)}
    missing = set(STAFF) - set(users)
    if missing:
        raise SystemExit(f"the database holds no demo users {sorted(missing)}: rebuild it with --households")
    urls_by_user: dict[str, dict[str, list[str]]] = {}
    for name, user in users.items():
        prefix = user.scope_prefix or ""
        ids = list(
            Household.objects.filter(region_code__startswith=prefix).order_by("?").values_list("id", flat=True)[:300]
        )
        people = list(
            Person.objects.filter(household__region_code__startswith=prefix)
            .order_by("?")
            .values_list("name", "name_initials", "household__number")[:100]
        )
        terms = []
        for person_name, initials, number in people:
            terms += [person_name[:1], person_name, initials[:2], number[:14]]
        urls_by_user[name] = {
            "household": [f"/registry/households/{i}/" for i in ids],
            "search": [f"/registry/search/?q={_quote(t)}" for t in terms if t],
            "todo": ["/cases/"],
        }
    for i in range(args.sessions):
        name = STAFF[i % len(STAFF)]
        client = Client()
        client.force_login(users[name])
        sessions.append(Session(name, client.cookies["sessionid"].value, urls_by_user[name], args.pages))
    rng.shuffle(sessions)
    connection.close()
    return sessions


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status and whether the server keeps the connection; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"


async def _client(session: Session, host: str, port: int, until: float, tally: Tally, rng: random.Random) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        page = rng.choice(session.pages)
        url = rng.choice(session.urls[page])
        start = loop.time()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            request = (
                f"GET {url} HTTP/1.1\r\nHost: {host}\r\nCookie: sessionid={session.cookie}\r\n"
                "Accept-Language: zh-hans\r\nConnection: keep-alive\r\n\r\n"
            )
            writer.write(request.encode())
            status, keep = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, keep = 0, False
        elapsed = loop.time() - start
        if loop.time() <= until:  # an answer after the end is not counted: the rate is per the window
            tally.times[page].append(elapsed)
            tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
            if status != 200:
                tally.errors[page] += 1
        if not keep and writer is not None:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _run(sessions: list[Session], host: str, port: int, seconds: float, seed: int) -> Tally:
    tally = Tally()
    until = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(
        *(_client(s, host, port, until, tally, random.Random(seed + i)) for i, s in enumerate(sessions))
    )
    return tally


async def _check(session: Session, host: str, port: int) -> None:
    """One page as the first session, before the clock starts: a login that did not take (another server on
    the port, sessions in another database) would otherwise be timed as 60 s of redirects."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /cases/ HTTP/1.1\r\nHost: {host}\r\nCookie: sessionid={session.cookie}\r\n\r\n".encode())
    status, _keep = await _read_response(reader)
    writer.close()
    if status != 200:
        raise SystemExit(f"the to-do list answered {status} to a logged-in session, not 200: is another server on "
                         f"{host}:{port}, or are the sessions in another database?")  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc), 0 for one that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _server_pids(master: int, database_url: str) -> list[int]:
    """gunicorn's workers, and on PostgreSQL the backends serving this database (persistent connections)."""
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    if database_url.startswith("postgres"):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids += [r[0] for r in cur.fetchall()]
        connection.close()
    return pids


def _wait_for(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start listening")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=5, help="seconds of load before the measured window")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--worker-class", default="sync")
    ap.add_argument("--bind", default="", help="host:port for gunicorn (default: a free port on 127.0.0.1)")
    ap.add_argument("--data-dir", default=str(ROOT / "bench" / "out" / "load"))
    ap.add_argument("--database-url", default="")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", default="", help="also write the figures to this file")
    ap.add_argument("--pages", default=",".join(PAGES), help="the pages asked, comma-separated (default: all three)")
    args = ap.parse_args()
    args.pages = tuple(p for p in args.pages.split(",") if p)
    if not args.pages or set(args.pages) - set(PAGES):
        ap.error(f"--pages takes some of {', '.join(PAGES)}")

    os.environ["JIUZHU_DATA_DIR"] = args.data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    # A production server keeps its database connections: a new PostgreSQL connection per request costs more
    # than most of these pages.
    os.environ.setdefault("JIUZHU_DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    sessions = prepare(args)
    if not args.bind:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.bind = f"127.0.0.1:{probe.getsockname()[1]}"
    host, port_text = args.bind.rsplit(":", 1)
    port = int(port_text)
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise SystemExit("gunicorn is not installed: pip install -e '.[bench]'") from None
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jiuzhu.wsgi", "--workers", str(args.workers), "--worker-class",
         args.worker_class, "--bind", args.bind, "--backlog", "2048", "--log-level", "warning", "--timeout", "120"],
        env=os.environ.copy(),
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(host, port, server)
        asyncio.run(_check(sessions[0], host, port))
        load_before = os.getloadavg()
        if args.warmup:
            asyncio.run(_run(sessions, host, port, args.warmup, args.seed + 1000))
        pids = _server_pids(server.pid, args.database_url)
        server0, cpu0 = _cpu_seconds(pids), os.times()
        tally = asyncio.run(_run(sessions, host, port, args.seconds, args.seed))
        server1, cpu1 = _cpu_seconds(pids), os.times()
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    total = sum(len(t) for t in tally.times.values())
    errors = sum(tally.errors.values())
    everything = [x for t in tally.times.values() for x in t]
    generator_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    print(f"\n{vendor}, gunicorn {args.workers} {args.worker_class} workers, {args.sessions} sessions, "
          f"{args.seconds:.0f} s; cores: {os.cpu_count()}; load average before "
          f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}")  # fmt: skip
    server_cpu = server1 - server0
    print(f"load generator CPU: {generator_cpu:.1f} s ({100 * generator_cpu / args.seconds:.0f} % of one core)")
    # What a quiet machine would do: the CPU the server (and PostgreSQL) spent per answer, and so the answers
    # per second its cores could give when nothing else runs — the machine this is measured on is often shared.
    per_request = (server_cpu + generator_cpu) / max(total, 1)
    print(f"server CPU: {server_cpu:.1f} s, {1000 * server_cpu / max(total, 1):.1f} ms per request "
          f"(with the generator's share {1000 * per_request:.1f} ms): {os.cpu_count()} idle cores would answer "
          f"about {(os.cpu_count() or 1) / per_request:.0f} requests/s")  # fmt: skip
    print(f"{'page':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    figures: dict[str, object] = {}
    for page in (*PAGES, "all"):
        times = everything if page == "all" else tally.times[page]
        err = errors if page == "all" else tally.errors[page]
        row = {
            "requests": len(times),
            "rate": len(times) / args.seconds,
            "p50": 1000 * _pct(times, 0.50),
            "p95": 1000 * _pct(times, 0.95),
            "p99": 1000 * _pct(times, 0.99),
            "errors": err,
        }
        figures[page] = row
        print(f"{page:<10} {row['requests']:>8} {row['rate']:>7.1f} {row['p50']:>7.0f} {row['p95']:>7.0f} "
              f"{row['p99']:>7.0f} {err:>6}")  # fmt: skip
    print(f"statuses: {tally.statuses}")
    target = figures["all"]
    assert isinstance(target, dict)
    met = target["rate"] >= 120 and target["p95"] <= 500 and not errors
    print(f"target ≥ 120 req/s, p95 ≤ 500 ms, no errors: {'met' if met else 'NOT met'} ({total} requests)")
    if args.json:
        figures["meta"] = {"vendor": vendor, "cores": os.cpu_count(), "load_before": load_before,
                           "load_after": load_after, "sessions": args.sessions, "seconds": args.seconds,
                           "server_cpu_ms_per_request": 1000 * server_cpu / max(total, 1)}  # fmt: skip
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
