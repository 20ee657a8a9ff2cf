"""Benchmark of `jiuzhu demo`: wall time and peak memory of building N households from an empty database.

    .venv/bin/python bench/bench_demo.py                 # 20 000 households (target ≤ 30 s)
    .venv/bin/python bench/bench_demo.py 20000 1000000   # several sizes, one fresh data dir each
    .venv/bin/python bench/bench_demo.py --profile 100000  # in-process cProfile: where the time goes

Each size runs `python -m jiuzhu demo --no-serve` in its own process on a fresh SQLite data dir (unless
DATABASE_URL is set), so the peak memory reported (ru_maxrss of that process) is the demo's alone.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(households: int, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jz-bench-demo-") as data_dir:
        env = {**os.environ, "JIUZHU_DATA_DIR": data_dir}
        cmd = [sys.executable, "-m", "jiuzhu", "demo", "--households", str(households), "--seed", str(seed)]
        started = time.perf_counter()
        proc = subprocess.Popen([*cmd, "--no-serve"], env=env, stdout=subprocess.PIPE, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        output = proc.stdout.read() if proc.stdout else ""
        if status != 0:
            print(output)
            raise SystemExit(f"demo failed with status {status}")
        steps = [line.strip() for line in output.splitlines() if "秒" in line]
        db = Path(data_dir) / "jiuzhu.sqlite3"
        size = db.stat().st_size / 2**20 if db.exists() else 0.0
        print(f"{households:>9,} households: {seconds:7.1f} s wall, peak RSS {usage.ru_maxrss / 1024:7.0f} MiB, "
              f"database {size:7.0f} MiB")  # fmt: skip
        for line in steps:
            print(f"           {line}")


def profile(households: int, seed: int) -> None:
    """The build in this process under cProfile, on a fresh data dir: the functions that take the time."""
    data_dir = tempfile.TemporaryDirectory(prefix="jz-bench-demo-")  # removed when the process ends
    os.environ["JIUZHU_DATA_DIR"] = data_dir.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()  # the keys, as the `jiuzhu` command would make them: the settings only read them
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from jiuzhu.demo.services import demo_build

    call_command("migrate", verbosity=0)
    prof = cProfile.Profile()
    prof.enable()
    report = demo_build(households=households, seed=seed, today=timezone.localdate())
    prof.disable()
    print({k: round(v, 1) for k, v in report.seconds.items()})
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    data_dir.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    for n in args.sizes:
        (profile if args.profile else run)(n, args.seed)


if __name__ == "__main__":
    main()
