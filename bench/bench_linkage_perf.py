"""Linkage performance (issue 12 "Performance"), each part run once:

    .venv/bin/python bench/bench_linkage_perf.py exact   [--registry 2500000] [--deaths 10000000]
    .venv/bin/python bench/bench_linkage_perf.py fuzzy   [--left 50000] [--right 200000]
    .venv/bin/python bench/bench_linkage_perf.py million [--left 1000000] [--right 1000000]

exact: a registry of 2 500 000 persons against 10 000 000 death records, written as Parquet (id, name,
id_number, birth_date; not timed). 1 % of the death records are registry persons, written as other
departments write them: 15-digit numbers, lower-case x, spaces, full-width digits; 0.5 % of all numbers are
invalid. Timed: `exact_pairs` from the two files to the pairs (lazy scan, normalisation, validation by the
GB 11643 check character, join), streamed. Target ≤ 30 s.

fuzzy: `jiuzhu match link` (a separate process: reading the CSV files, preparation, exact and fuzzy stages,
writing the pairs) against the generic Splink configuration of bench_linkage_quality.py (its EM training
included, as a user must train it) on the same files from bench/linkage_data.py. Target: jiuzhu ≤ generic.
Precision and recall of both are printed too.

million: `jiuzhu match link` on 1 000 000 × 1 000 000 generated persons (60 % of RIGHT are copies of LEFT
persons); time and peak memory (max RSS of the child process). Must finish.

Printed: cores, load average (the machine is shared), times, peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

from bench_linkage_quality import PAIRS, run_generic, scores  # noqa: E402
from linkage_data import generate  # noqa: E402

from jiuzhu.core.idcard import check_characters  # noqa: E402

EPOCH = dt.date(1970, 1, 1)
REGIONS = np.array([330727, 330702, 330781, 330782, 330783, 330784, 330721, 330723, 330726], dtype=np.int64)


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _numbers(rng: np.random.Generator, n: int) -> pl.Series:
    days = rng.integers((dt.date(1925, 1, 1) - EPOCH).days, (dt.date(2025, 1, 1) - EPOCH).days, n)
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    ymd = (months.astype(np.int64) // 12 + 1970) * 10_000 + (months.astype(np.int64) % 12 + 1) * 100
    ymd += (dates - months).astype(np.int64) + 1
    first17 = REGIONS[rng.integers(0, len(REGIONS), n)] * 10**11 + ymd * 1000 + rng.integers(0, 1000, n)
    s = pl.Series(first17, dtype=pl.Int64)
    return s.cast(pl.String) + check_characters(s)


def _messy(numbers: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Numbers as other departments write them: 15 digits, lower-case x, spaces, full-width digits."""
    kind = pl.Series(rng.integers(0, 20, len(numbers)))
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    frame = pl.DataFrame({"n": numbers, "k": kind})
    return frame.select(
        pl.when(pl.col("k") == 0)
        .then(pl.concat_str(pl.col("n").str.slice(0, 6), pl.col("n").str.slice(8, 9)))
        .when(pl.col("k") == 1)
        .then(pl.col("n").str.replace("X", "x"))
        .when(pl.col("k") == 2)
        .then(pl.concat_str(pl.col("n").str.slice(0, 6), pl.lit(" "), pl.col("n").str.slice(6)))
        .when(pl.col("k") == 3)
        .then(pl.col("n").map_elements(lambda v: v.translate(full), return_dtype=pl.String))
        .otherwise(pl.col("n"))
    )["n"]


def write_exact_inputs(work: Path, n_registry: int, n_deaths: int, seed: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    registry = _numbers(rng, n_registry)
    dead = registry.gather(rng.choice(n_registry, n_deaths // 100, replace=False))
    dead = _messy(dead, rng)
    deaths = pl.concat([dead, _numbers(rng, n_deaths - len(dead))])
    invalid = pl.Series(rng.random(n_deaths) < 0.005)
    deaths = pl.DataFrame({"n": deaths, "bad": invalid}).select(
        pl.when(pl.col("bad")).then(pl.col("n").str.slice(0, 17) + "0").otherwise(pl.col("n"))
    )["n"]
    names = pl.Series(["王建国", "李秀英", "张伟", "刘桂兰", "陈志强", "杨丽"])
    paths = (work / "registry.parquet", work / "deaths.parquet")
    for path, numbers, prefix in ((paths[0], registry, "P"), (paths[1], deaths, "D")):
        n = len(numbers)
        pl.DataFrame(
            {
                "id": pl.int_range(n, eager=True).cast(pl.String).str.pad_start(9, "0").str.pad_start(10, prefix[0]),
                "name": names.gather(rng.integers(0, len(names), n)),
                "id_number": numbers,
                "birth_date": pl.Series([None] * n, dtype=pl.String),
            }
        ).sample(fraction=1.0, shuffle=True, seed=seed).write_parquet(path)
    return paths


def bench_exact(args: argparse.Namespace, work: Path) -> None:
    from jiuzhu.matching.linkage import exact_pairs

    t0 = time.perf_counter()
    registry, deaths = write_exact_inputs(work, args.registry, args.deaths, args.seed)
    print(f"inputs written in {time.perf_counter() - t0:.1f} s (not timed): {registry.name}, {deaths.name}")
    start = time.perf_counter()
    pairs = exact_pairs(pl.scan_parquet(registry), pl.scan_parquet(deaths)).collect(engine="streaming")
    seconds = time.perf_counter() - start
    print(f"exact {args.registry:,} × {args.deaths:,}: {pairs.height:,} pairs in {seconds:.1f} s (target ≤ 30 s)")
    print(f"peak RSS {_rss_mb(resource.RUSAGE_SELF):.0f} MB")


def run_link(left: Path, right: Path, out: Path) -> tuple[pl.DataFrame, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("JIUZHU_DATA_DIR", str(ROOT / "var"))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jiuzhu", "match", "link", str(left), str(right), "--out", str(out)], check=True, env=env
    )
    seconds = time.perf_counter() - start
    return pl.read_csv(out, schema_overrides=PAIRS), seconds


def bench_fuzzy(args: argparse.Namespace, work: Path) -> None:
    lists = generate(args.left, args.right, seed=args.seed)
    lists.left.write_csv(work / "left.csv")
    lists.right.write_csv(work / "right.csv")
    ours, t_ours = run_link(work / "left.csv", work / "right.csv", work / "pairs.csv")
    print(
        f"jiuzhu match link: {t_ours:.1f} s, peak RSS {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB",
        scores(ours, lists.truth),
    )
    start = time.perf_counter()
    left = pl.read_csv(work / "left.csv", infer_schema=False).fill_null("")
    right = pl.read_csv(work / "right.csv", infer_schema=False).fill_null("")
    generic, _t = run_generic(left, right)
    t_generic = time.perf_counter() - start
    print(f"generic Splink (reading, EM training, prediction): {t_generic:.1f} s", scores(generic, lists.truth))
    print(f"ratio jiuzhu / generic: {t_ours / t_generic:.2f} (target ≤ 1)")


def bench_million(args: argparse.Namespace, work: Path) -> None:
    t0 = time.perf_counter()
    if (work / "truth.csv").exists():  # --work kept from an earlier run of the same sizes
        truth = pl.read_csv(work / "truth.csv", schema_overrides=PAIRS)
    else:
        lists = generate(args.left, args.right, seed=args.seed)
        lists.left.write_csv(work / "left.csv")
        lists.right.write_csv(work / "right.csv")
        lists.truth.write_csv(work / "truth.csv")
        truth = lists.truth
    print(f"inputs ready in {time.perf_counter() - t0:.1f} s (not timed)")
    pairs, seconds = run_link(work / "left.csv", work / "right.csv", work / "pairs.csv")
    s = scores(pairs, truth)
    print(f"jiuzhu match link {args.left:,} × {args.right:,}: {seconds:.1f} s", s)
    print(f"peak RSS of the `jiuzhu match link` process: {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=("exact", "fuzzy", "million"))
    parser.add_argument("--registry", type=int, default=2_500_000)
    parser.add_argument("--deaths", type=int, default=10_000_000)
    parser.add_argument("--left", type=int, default=None)
    parser.add_argument("--right", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="keep the files here (default: a temporary dir)")
    args = parser.parse_args()
    default_size = {"fuzzy": (50_000, 200_000), "million": (1_000_000, 1_000_000)}.get(args.part, (0, 0))
    args.left = args.left or default_size[0]
    args.right = args.right or default_size[1]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}, polars {pl.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        {"exact": bench_exact, "fuzzy": bench_fuzzy, "million": bench_million}[args.part](args, work)


if __name__ == "__main__":
    main()
