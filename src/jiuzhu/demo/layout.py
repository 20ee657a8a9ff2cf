"""The demo county's region tree: 浙江省 › 金华市 › 磐安县, its townships from data/townships.csv and as many
villages (村) and communities (社区) as the number of households needs.

No maintained offline package ships village-level 统计用区划代码, so the township names are 磐安县's own and
the codes and village names are plausible ones in the official format. Which villages exist depends only on
the number of households (never on the seed), so two seeds of one size share one map.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

DATA_DIR = Path(__file__).parent / "data"

PROVINCE = ("330000000000", "浙江省")
CITY = ("330700000000", "金华市")
COUNTY = ("330727000000", "磐安县")

# A village stays realistic (a few hundred households at the default size) by never holding more than about
# this many: above it the township gets more villages. Weights vary ±40 %, so the largest stays ≤ 1 400.
VILLAGE_TARGET = 1000
MAX_COMMUNITIES = 99  # 社区 codes 001-099
MAX_VILLAGES = 799  # 村 codes 201-999


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    urban_rural: str = ""
    township: str = ""  # the township's name, for villages (addresses are built from it)

    @property
    def is_village(self) -> bool:
        return self.code[9:] != "000"

    @property
    def is_urban(self) -> bool:
        return self.urban_rural.startswith("1")


@dataclass(frozen=True, slots=True)
class _Township:
    code9: str
    name: str
    share: float
    communities: tuple[str, ...]
    villages: tuple[str, ...]

    @property
    def kind(self) -> str:
        """街道, 镇 or 乡, from the name's last character."""
        return self.name[-2:] if self.name.endswith("街道") else self.name[-1]


def read_table(name: str) -> list[dict[str, str]]:
    """A CSV data file whose lines starting with # are comments."""
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x for x in cell.split("、") if x)


@cache
def townships() -> tuple[_Township, ...]:
    return tuple(
        _Township(r["code"], r["name"], float(r["share"]), _split(r["communities"]), _split(r["villages"]))
        for r in read_table("townships.csv")
    )


@cache
def _place_parts() -> dict[str, str]:
    return {r["part"]: r["chars"] for r in read_table("place_names.csv")}


def street_names() -> tuple[str, ...]:
    return _split(_place_parts()["street"])


def township_households(households: int) -> list[int]:
    """Households per township by share, summing exactly to `households` (largest remainder)."""
    shares = np.array([t.share for t in townships()])
    exact = households * shares / shares.sum()
    counts = np.floor(exact).astype(np.int64)
    short = households - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return [int(c) for c in counts]


def _extra_names(township: _Township, used: set[str], n: int, suffix: str) -> list[str]:
    """n new place names for a township, stable for its code: first × second characters in a shuffled order
    seeded by the township code, then three-character names once two-character ones run out."""
    if n <= 0:
        return []
    parts = _place_parts()
    rng = np.random.default_rng(int(township.code9))
    firsts, seconds = list(parts["first"]), list(parts["second"])
    pairs = [a + b for a in firsts for b in seconds]
    candidates = [pairs[i] for i in rng.permutation(len(pairs))]
    candidates += [a + p for p in candidates for a in firsts[:8]]
    out: list[str] = []
    for stem in candidates:
        name = stem + suffix
        if name not in used:
            used.add(name)
            out.append(name)
            if len(out) == n:
                return out
    raise ValueError(f"not enough place names for {township.name}")


def county_layout(households: int) -> list[Place]:
    """Province, city, county, then each township followed by its communities and villages, in code order."""
    places = [Place(*PROVINCE), Place(*CITY), Place(*COUNTY)]
    used = {n for t in townships() for n in (*t.communities, *t.villages)}
    for t, hh in zip(townships(), township_households(households), strict=True):
        places.append(Place(t.code9 + "000", t.name))
        base = len(t.communities) + len(t.villages)
        extra = max(0, math.ceil(hh / VILLAGE_TARGET) - base)
        urban_part = {"街道": 0.6, "镇": 0.15}.get(t.kind, 0.0)
        extra_c = min(round(extra * urban_part), MAX_COMMUNITIES - len(t.communities))
        extra_v = extra - extra_c
        if len(t.villages) + extra_v > MAX_VILLAGES:
            raise ValueError(f"{t.name}: {hh} households need more than {MAX_VILLAGES} villages")
        communities = [*t.communities, *_extra_names(t, used, extra_c, "社区")]
        villages = [*t.villages, *_extra_names(t, used, extra_v, "村")]
        for i, name in enumerate(communities, start=1):
            # 街道 communities are the county town (主城区 / 城乡结合区); a 镇's are its centre (镇中心区).
            cls = ("111" if t.code9.endswith("001") else "112") if t.kind == "街道" else "121"
            places.append(Place(f"{t.code9}{i:03d}", name, cls, t.name))
        for i, name in enumerate(villages, start=201):
            # The first village of a 乡 is its seat (乡中心区); every other is a plain 村庄.
            cls = "210" if t.kind == "乡" and i == 201 else "220"
            places.append(Place(f"{t.code9}{i:03d}", name, cls, t.name))
    return places


def allocate_households(places: list[Place], households: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Households per village (aligned with the villages of `places`, in order), each township's total split
    by random weights of 0.6-1.4 so that villages differ in size."""
    villages = [p for p in places if p.is_village]
    out = np.zeros(len(villages), dtype=np.int64)
    totals = dict(zip((t.code9 for t in townships()), township_households(households), strict=True))
    codes9 = np.array([v.code[:9] for v in villages])
    weights = rng.uniform(0.6, 1.4, len(villages))
    for code9, total in totals.items():
        idx = np.nonzero(codes9 == code9)[0]
        exact = total * weights[idx] / weights[idx].sum()
        counts = np.floor(exact).astype(np.int64)
        short = total - int(counts.sum())
        counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
        out[idx] = counts
    return out
