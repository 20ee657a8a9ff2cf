"""Roster import, end to end, with 100 000 persons: `jiuzhu import households FILE` on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py [--persons 100000] [--postgres URL | --no-postgres]

Writes a region list (one county, 12 townships, 240 villages) and a roster CSV of --persons persons in
realistic families (head, spouse, children, some grandparents; ID numbers valid by GB 11643, some
15-digit; incomes, disabilities, household columns only on the head's row) into bench/out/import/. Then,
for each database: a fresh data directory (SQLite) or a freshly created database (PostgreSQL), `jiuzhu
migrate`, `jiuzhu import regions`, and the timed part: `jiuzhu import households` as a separate process,
so the figure includes start-up, reading, validation, encryption, pinyin and the inserts. Target: ≤ 30 s.
The PostgreSQL database is created and dropped with psql; it is never the `test` database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from jiuzhu.core.idcard import check_character

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "import"
JIUZHU = [sys.executable, "-m", "jiuzhu"]
PG_URL = "postgres://postgres@127.0.0.1:5432/jiuzhu_bench_import"
COUNTY = "330727"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红文辉志玉萍婷雪梅鹏飞海燕斌宇浩凯佳欣怡子轩梓涵"


class People:
    """Unique, valid ID numbers: a per-(region, birth date) sequence, as the police station issues them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seq: dict[tuple[str, dt.date], int] = {}

    def id_number(self, birth: dt.date, *, male: bool, legacy: bool = False) -> str:
        region6 = self.rng.choice(("330727", "330727", "330727", "330702", "330781"))
        n = self.seq.get((region6, birth), 0)
        self.seq[(region6, birth)] = n + 1
        seq3 = (n * 2 + (1 if male else 0)) % 1000
        if legacy and birth.year < 2000:
            return f"{region6}{birth:%y%m%d}{seq3:03d}"
        first17 = f"{region6}{birth:%Y%m%d}{seq3:03d}"
        return first17 + check_character(first17)

    def birth(self, lo: int, hi: int) -> dt.date:
        return dt.date(self.rng.randint(lo, hi), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def name(self, surname: str | None = None) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given


def write_regions(path: Path) -> list[str]:
    villages = []
    rows = [("330000000000", "浙江省", ""), ("330700000000", "金华市", ""), (f"{COUNTY}000000", "磐安县", "")]
    for t in range(12):
        township = f"{COUNTY}{100 + t:03d}"
        rows.append((f"{township}000", f"第{t + 1}镇", ""))
        for v in range(20):
            code = f"{township}{200 + v:03d}" if v else f"{township}001"
            rows.append((code, f"第{t + 1}镇第{v + 1}村", "111" if v == 0 else "220"))
            villages.append(code)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["区划代码", "名称", "城乡分类代码"])
        w.writerows(rows)
    return villages


HEADER = ["户编号", "村（社区）区划代码", "城乡类别", "住址", "联系电话", "开户银行", "银行账号", "姓名", "身份证号",
          "与户主关系", "残疾类别", "残疾等级", "患重特大疾病", "劳动能力", "在校学生", "就业状况", "死亡日期",
          "工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入", "存款", "机动车辆数", "房产套数",
          "有工商登记"]  # fmt: skip


def write_roster(path: Path, villages: list[str], persons: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    people = People(rng)
    written = households = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        while written < persons:
            households += 1
            village = rng.choice(villages)
            surname = rng.choice(SURNAMES)
            shape = rng.choices(("alone", "couple", "family", "three"), weights=(25, 25, 35, 15))[0]
            head_birth = people.birth(1940, 1990)
            members: list[tuple[str, str, dt.date, bool]] = [(people.name(surname), "户主", head_birth, True)]
            if shape != "alone":
                members.append((people.name(), "配偶", people.birth(head_birth.year - 3, head_birth.year + 3), False))
            if shape in ("family", "three"):
                for _ in range(rng.choice((1, 1, 2, 3))):
                    male = rng.random() < 0.5
                    birth = people.birth(max(head_birth.year + 20, 1965), 2022)
                    members.append((people.name(surname), "子" if male else "女", birth, male))
            if shape == "three":
                members.append((people.name(surname), rng.choice(("父亲", "母亲")), people.birth(1930, 1945), False))
            for i, (name, relation, birth, male) in enumerate(members):
                head = i == 0
                disabled = rng.random() < 0.06
                died = rng.random() < 0.01
                row = {
                    "村（社区）区划代码": village if head else "",
                    "城乡类别": "",
                    "住址": f"{village[-3:]}组{households % 200}号" if head else "",
                    "联系电话": f"139{rng.randint(0, 99_999_999):08d}" if head else "",
                    "开户银行": "农商银行" if head else "",
                    "银行账号": f"62309{rng.randint(0, 10**14 - 1):014d}" if head else "",
                    "姓名": name,
                    "身份证号": people.id_number(birth, male=male if i else True, legacy=rng.random() < 0.02),
                    "与户主关系": relation,
                    "残疾类别": rng.choice(("肢体残疾", "视力残疾", "智力残疾")) if disabled else "",
                    "残疾等级": str(rng.randint(1, 4)) if disabled else "",
                    "患重特大疾病": "是" if rng.random() < 0.03 else "否",
                    "劳动能力": "无劳动能力" if disabled else "有劳动能力",
                    "在校学生": "是" if birth.year > 2006 else "",
                    "就业状况": "务农" if birth.year < 2000 else "在校学生",
                    "死亡日期": "2024-06-30" if died else "",
                    "工资性收入": f"{rng.randint(0, 4000)}.{rng.randint(0, 99):02d}" if birth.year < 2000 else "0",
                    "经营净收入": "0",
                    "财产净收入": "0",
                    "转移净收入": str(rng.randint(0, 300)),
                    "其他收入": "",
                    "存款": f"{rng.randint(0, 50_000)}.00" if head else "",
                    "机动车辆数": "0" if head else "",
                    "房产套数": "1" if head else "",
                    "有工商登记": "否" if head else "",
                }
                w.writerow([row.get(h, "") for h in HEADER])
                written += 1
    return households


def run(cmd: list[str], env: dict[str, str], *, quiet: bool = True) -> None:
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None)


def timed_import(env: dict[str, str], roster: Path) -> float:
    """Wall-clock seconds; the CPU seconds of the jiuzhu process and the load average are printed beside
    them, because on a shared machine the wall clock also measures the neighbours."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*JIUZHU, "import", "households", str(roster), "--quiet"], env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  wall {wall:.1f} s, jiuzhu process CPU {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    return wall


def bench_sqlite(roster: Path, regions: Path) -> float:
    data_dir = OUT / "sqlite"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = os.environ | {"JIUZHU_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    run([*JIUZHU, "migrate"], env)
    run([*JIUZHU, "import", "regions", str(regions)], env)
    return timed_import(env, roster)


def psql(url: str, sql: str) -> None:
    parts = urlparse(url)
    subprocess.run(
        ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres",
         "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
    )  # fmt: skip


def bench_postgres(roster: Path, regions: Path, url: str) -> float:
    name = urlparse(url).path.lstrip("/")
    if name in ("test", "test_test", "postgres", ""):
        raise SystemExit(f"refusing to use database {name!r}")
    psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    psql(url, f'CREATE DATABASE "{name}"')
    try:
        data_dir = OUT / "postgres"
        shutil.rmtree(data_dir, ignore_errors=True)
        env = os.environ | {"JIUZHU_DATA_DIR": str(data_dir), "DATABASE_URL": url}
        run([*JIUZHU, "migrate"], env)
        run([*JIUZHU, "import", "regions", str(regions)], env)
        return timed_import(env, roster)
    finally:
        psql(url, f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--postgres", default=PG_URL, help="database URL (created and dropped by the benchmark)")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    regions, roster = OUT / "regions.csv", OUT / f"roster-{args.persons}.csv"
    villages = write_regions(regions)
    t = time.perf_counter()
    households = write_roster(roster, villages, args.persons)
    print(f"roster: {args.persons:,} persons in {households:,} households, {roster.stat().st_size / 1e6:.1f} MB "
          f"(generated in {time.perf_counter() - t:.1f} s); cores: {os.cpu_count()}", flush=True)  # fmt: skip
    results = {}
    if not args.no_sqlite:
        results["SQLite"] = bench_sqlite(roster, regions)
        print(f"SQLite:     {results['SQLite']:.1f} s", flush=True)
    if not args.no_postgres:
        results["PostgreSQL"] = bench_postgres(roster, regions, args.postgres)
        print(f"PostgreSQL: {results['PostgreSQL']:.1f} s", flush=True)
    worst = max(results.values(), default=0.0)
    print(f"target ≤ 30 s: {'met' if worst <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
