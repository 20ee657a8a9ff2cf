"""Realistic Chinese person lists with the truth, for the linkage benchmarks (bench_linkage_*.py).

    .venv/bin/python bench/linkage_data.py --left 50000 --right 200000 --out bench/out/linkage/

A county population (surnames and given-name characters by frequency from jiuzhu/demo/data, valid and unique
ID numbers from jiuzhu.demo.tables, ages 0–95, 300 villages in 20 townships) with twins (same surname,
birth date, village and birthplace, other given name and ID number) and the many same-name-same-village
persons that small given-name pools make. LEFT is a registry: clean but for a few invalid numbers. RIGHT
is another department's list: copies of some LEFT persons (the truth), written with the errors of real
lists, and other persons of the county (twins of LEFT persons among them: near misses).

Errors of the copies, each independently: ID number missing (20 %), one digit mistyped (8 %), two
neighbouring digits transposed (5 %), written in its 15-digit form (6 % of those born 19xx), with a lower-case
x, spaces or full-width digits (3 %); a homophone character in the name (伟/玮/炜, 丽/莉/俐, 明/铭…, 8 %),
another character (2 %); birth day and month swapped (4 %), a digit mistyped (2 %), birth date missing
(10 %); sex missing (10 %); the village written as 村委会 / 村民委员会 (30 %), the address missing (15 %).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

from jiuzhu.demo.layout import read_table  # noqa: E402
from jiuzhu.demo.tables import assign_sequences, given_tables, id_numbers, surname_table  # noqa: E402

COUNTY = "330727"
EPOCH = dt.date(1970, 1, 1)
TODAY = dt.date(2026, 11, 1)
# Characters read alike (toneless pinyin): the errors of a clerk typing a name heard at a counter.
HOMOPHONES = [
    "伟玮炜维薇",
    "丽莉俐利力立",
    "明铭鸣",
    "华桦骅",
    "芳方舫",
    "军君钧",
    "英瑛莹",
    "红虹鸿宏洪",
    "平萍苹",
    "玲琳林霖",
    "静晶菁敬",
    "燕艳雁彦",
    "杰洁婕",
    "强蔷",
    "涛韬焘",
    "刚钢纲",
    "兰岚蓝",
    "霞侠",
    "梅玫媚",
    "娟鹃",
    "婷庭霆",
    "辉晖徽",
    "峰锋枫丰",
    "斌彬滨",
    "志智芝",
    "建健剑",
    "文雯闻",
    "秀绣",
    "玉钰煜",
    "勇永咏",
    "敏民闽",
    "云芸耘",
    "飞菲非",
    "海",
    "国",
]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Lists:
    left: pl.DataFrame
    right: pl.DataFrame
    truth: pl.DataFrame  # left_id, right_id


def _homophone_map() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for group in HOMOPHONES:
        for c in group:
            out[c] = [o for o in group if o != c]
    return {c: alts for c, alts in out.items() if alts}


def villages() -> list[tuple[str, str]]:
    """(township, village) pairs: the county's townships with their named villages, filled up to 15 each
    from the place-name characters."""
    rows = read_table("townships.csv")
    parts = {r["part"]: r["chars"] for r in read_table("place_names.csv")}
    rng = np.random.default_rng(1)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for r in rows:
        names = [v for v in r["villages"].split("、") if v]
        while len(names) < 15:
            name = rng.choice(list(parts["first"])) + rng.choice(list(parts["second"])) + "村"
            if name not in seen and name not in names:
                names.append(name)
        seen.update(names)
        out += [(r["name"], v) for v in names]
    return out


def population(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """n persons of one county, 1 % of them twins of another (same surname, birth date, village)."""
    surnames = surname_table()
    n_twins = n // 100
    base = n - n_twins
    male = rng.random(n) < 0.5
    ages = rng.integers(0, 96, base)
    days = (TODAY - EPOCH).days - ages * 365 - rng.integers(0, 365, base)
    place = villages()
    village = rng.integers(0, len(place), base)
    surname = surnames.draw(rng, base)
    twin_of = rng.integers(0, base, n_twins)
    days = np.concatenate([days, days[twin_of]])
    village = np.concatenate([village, village[twin_of]])
    surname = np.concatenate([surname, surname[twin_of]])
    old = days < (dt.date(1985, 1, 1) - EPOCH).days
    given = np.empty(n, dtype=object)
    for m in (True, False):
        for o in (True, False):
            sel = np.flatnonzero((male == m) & (old == o))
            table = given_tables()[m, o]
            first = table.values.gather(table.draw(rng, len(sel))).to_numpy()
            second = table.values.gather(table.draw(rng, len(sel))).to_numpy()
            two = rng.random(len(sel)) < 0.7
            given[sel] = np.where(two, first + second, first)
    region6 = np.where(rng.random(n) < 0.85, int(COUNTY), 330702).astype(np.int64)
    region6, seq = assign_sequences(region6, days.astype(np.int64), male)
    numbers = id_numbers(region6, days.astype(np.int64), seq)
    town = [place[v][0] for v in village]
    vill = [place[v][1] for v in village]
    return pl.DataFrame(
        {
            "person": np.arange(n),
            "name": surnames.values.gather(surname).to_numpy().astype(object) + given,
            "id_number": numbers,
            "gender": np.where(male, "男", "女"),
            "birth_date": pl.Series(days.astype("datetime64[D]")).cast(pl.Date).dt.strftime("%Y-%m-%d"),
            "township": town,
            "village": vill,
        }
    ).with_columns(pl.concat_str(pl.lit("浙江省金华市磐安县"), pl.col("township"), pl.col("village")).alias("address"))


class Corrupter:
    """The errors of another department's list, applied one record at a time (a few per cent of rows)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.homophones = _homophone_map()
        self.chars = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红文辉志玉萍婷雪梅鹏飞海燕")

    def p(self, prob: float) -> bool:
        return bool(self.rng.random() < prob)

    def id_number(self, number: str, birth: str) -> str:
        if self.p(0.20):
            return ""
        digits = list(number)
        if self.p(0.08):
            i = int(self.rng.integers(0, 17))
            digits[i] = str((int(digits[i]) + int(self.rng.integers(1, 10))) % 10)
        elif self.p(0.05):
            i = int(self.rng.integers(0, 16))
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        number = "".join(digits)
        if birth < "2000" and number[6:8] == "19" and self.p(0.06):
            number = number[:6] + number[8:17]
        if self.p(0.03):
            kind = int(self.rng.integers(0, 3))
            number = (
                number.replace("X", "x") + " "
                if kind == 0
                else f"{number[:6]} {number[6:14]} {number[14:]}"
                if kind == 1
                else number.translate(FULL_WIDTH)
            )
        return number

    def name(self, name: str) -> str:
        chars = list(name)
        if self.p(0.08):
            spots = [i for i, c in enumerate(chars) if i > 0 and c in self.homophones]
            if spots:
                i = spots[int(self.rng.integers(0, len(spots)))]
                alts = self.homophones[chars[i]]
                chars[i] = alts[int(self.rng.integers(0, len(alts)))]
        elif self.p(0.02) and len(chars) > 1:
            i = int(self.rng.integers(1, len(chars)))
            chars[i] = self.chars[int(self.rng.integers(0, len(self.chars)))]
        return "".join(chars)

    def birth(self, birth: str) -> str:
        if self.p(0.10):
            return ""
        y, m, d = birth.split("-")
        if self.p(0.04) and int(d) <= 12 and d != m:
            return f"{y}-{d}-{m}"
        if self.p(0.02):
            digits = list(y + m + d)
            i = int(self.rng.integers(2, 8))
            digits[i] = str((int(digits[i]) + 1) % 10)
            text = "".join(digits)
            try:
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
            except ValueError:
                return birth
        return birth

    def address(self, township: str, village: str) -> str:
        if self.p(0.15):
            return ""
        if self.p(0.30):
            village = village.removesuffix("村") + ("村委会" if self.p(0.6) else "村民委员会")
        return township + village if self.p(0.5) else "磐安县" + township + village


def corrupt(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    c = Corrupter(rng)
    rows = frame.select("name", "id_number", "gender", "birth_date", "township", "village").rows()
    out = {"name": [], "id_number": [], "gender": [], "birth_date": [], "address": []}
    for name, number, gender, birth, township, village in rows:
        out["name"].append(c.name(name))
        out["id_number"].append(c.id_number(number, birth))
        out["gender"].append("" if c.p(0.10) else gender)
        out["birth_date"].append(c.birth(birth))
        out["address"].append(c.address(township, village))
    return pl.DataFrame(out)


def generate(n_left: int, n_right: int, *, overlap: float = 0.6, seed: int = 7) -> Lists:
    """LEFT: n_left registry persons. RIGHT: n_right records, `overlap` of them copies of LEFT persons (with
    errors), the rest other persons of the county, LEFT persons' twins first. Rows shuffled, ids opaque."""
    rng = np.random.default_rng(seed)
    n_copies = min(int(n_right * overlap), n_left)
    n_others = n_right - n_copies
    pop = population(n_left + n_others, rng)
    left_people = pop.head(n_left)
    others = pop.slice(n_left)
    # The twins whose other twin is on LEFT come first among the others: near misses.
    twins = others.join(left_people.select("name", "birth_date", "village"), on=["birth_date", "village"], how="semi")
    others = pl.concat([twins, others.join(twins.select("person"), on="person", how="anti")]).head(n_others)
    left = left_people.select("person", "name", "id_number", "gender", "birth_date", "address")
    bad = rng.random(n_left) < 0.02  # the registry's own invalid numbers: one digit off
    left = left.with_columns(
        pl.when(pl.Series(bad))
        .then(pl.concat_str(pl.col("id_number").str.slice(0, 17), pl.lit("0")))
        .otherwise(pl.col("id_number"))
        .alias("id_number")
    )
    copies = left_people.sample(n_copies, seed=seed, shuffle=True)
    right_src = pl.concat([copies, others])
    right = pl.concat([right_src.select("person"), corrupt(right_src, rng)], how="horizontal")
    left = left.sample(fraction=1.0, shuffle=True, seed=seed + 1).with_columns(
        pl.format("L{}", pl.int_range(pl.len())).alias("id")
    )
    right = right.sample(fraction=1.0, shuffle=True, seed=seed + 2).with_columns(
        pl.format("R{}", pl.int_range(pl.len())).alias("id")
    )
    truth = left.select("person", pl.col("id").alias("left_id")).join(
        right.select("person", pl.col("id").alias("right_id")), on="person"
    )
    cols = ["id", "name", "id_number", "gender", "birth_date", "address"]
    return Lists(left.select(cols), right.select(cols), truth.select("left_id", "right_id").sort("left_id"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--left", type=int, default=50_000)
    parser.add_argument("--right", type=int, default=200_000)
    parser.add_argument("--overlap", type=float, default=0.6, help="share of RIGHT that copies LEFT persons")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "linkage")
    args = parser.parse_args()
    lists = generate(args.left, args.right, overlap=args.overlap, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    lists.left.write_csv(args.out / "left.csv")
    lists.right.write_csv(args.out / "right.csv")
    lists.truth.write_csv(args.out / "truth.csv")
    print(f"{lists.left.height} left, {lists.right.height} right, {lists.truth.height} true pairs → {args.out}")


if __name__ == "__main__":
    main()
