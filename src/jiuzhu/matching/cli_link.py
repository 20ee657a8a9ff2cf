"""`jiuzhu match link LEFT RIGHT --out PAIRS.csv`: compare any two lists of persons. A contract other tools
rely on: inputs with the columns id,name,id_number,gender,birth_date,address; output left_id,right_id,score,
method, one row per linked pair."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

import polars as pl
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.core.tabular import TableError, read_table
from jiuzhu.matching.linkage import PERSON_COLUMNS, LinkSettings, link, prepare

HELP = """Link two lists of persons (比对两份人员名单).

  jiuzhu match link LEFT RIGHT --out PAIRS.csv [--threshold P] [--exact-only] [--backend duckdb|spark]

LEFT and RIGHT: CSV (UTF-8 or GBK) or xlsx with the columns
    id,name,id_number,gender,birth_date,address
gender 男/女, birth_date YYYY-MM-DD; every cell but id may be empty; ids are unique within a file.
PAIRS.csv (UTF-8): left_id,right_id,score,method, one row per linked pair:
    method id_exact   the same valid ID number (15-digit numbers read as their 18-digit form), score 1
    method fuzzy      name, pinyin, birth date, sex, village and ID-number likeness; score = match probability
                      (≥ --threshold, default settings.JIUZHU_LINKAGE_THRESHOLD)
Progress goes to stderr; on an error the message says what is wrong and the exit code is 1."""


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("left", help=_("左侧名单（CSV 或 xlsx）"))
    parser.add_argument("right", help=_("右侧名单（CSV 或 xlsx）"))
    parser.add_argument("--out", required=True, help=_("输出的配对文件（CSV）"))
    parser.add_argument("--threshold", type=float, default=None, help=_("模糊匹配的概率阈值（0–1）"))
    parser.add_argument("--exact-only", action="store_true", help=_("只按有效身份证号精确匹配"))
    parser.add_argument("--backend", choices=("duckdb", "spark"), default=None, help=_("模糊匹配的引擎"))


def read_persons(path: Path) -> pl.DataFrame:
    """A list of persons as strings, checked against the contract; CommandError says what is wrong."""
    if not path.is_file():
        raise CommandError(_("找不到文件：%(p)s") % {"p": path})
    try:
        frame, _encoding = read_table(path.read_bytes(), path.name)
    except TableError as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    missing = [c for c in PERSON_COLUMNS if c not in frame.columns]
    if missing:
        raise CommandError(
            _("%(f)s 缺少列：%(m)s（应有列：%(all)s）")
            % {"f": path.name, "m": ", ".join(missing), "all": ",".join(PERSON_COLUMNS)}
        )
    frame = frame.select(PERSON_COLUMNS)
    blank = frame.filter(pl.col("id") == "").height
    if blank:
        raise CommandError(_("%(f)s 有 %(n)d 行 id 为空") % {"f": path.name, "n": blank})
    dupes = frame.filter(pl.col("id").is_duplicated())["id"].unique().sort()
    if dupes.len():
        raise CommandError(_("%(f)s 的 id 重复：%(ids)s") % {"f": path.name, "ids": ", ".join(dupes.head(5).to_list())})
    return frame


def _settings(options: dict[str, Any]) -> LinkSettings:
    overrides: dict[str, object] = {}
    if options.get("threshold") is not None:
        if not 0.0 <= options["threshold"] <= 1.0:
            raise CommandError(_("阈值应在 0 到 1 之间"))
        overrides["threshold"] = options["threshold"]
    if options.get("exact_only"):
        overrides["fuzzy"] = False
    if options.get("backend"):
        overrides["backend"] = options["backend"]
    return LinkSettings.from_settings(**overrides)


def handle(options: dict[str, Any], stdout: TextIO) -> None:
    settings = _settings(options)
    out = Path(options["out"])
    with tqdm(total=4, desc=_("比对"), file=sys.stderr, disable=None) as bar:
        left = read_persons(Path(options["left"]))
        right = read_persons(Path(options["right"]))
        bar.update(1)
        left, right = prepare(left), prepare(right)
        bar.update(1)
        pairs = link(left, right, settings=settings)
        bar.update(1)
        try:
            pairs.write_csv(out, float_precision=6)
        except OSError as exc:
            raise CommandError(_("无法写入 %(p)s：%(e)s") % {"p": out, "e": exc.strerror}) from None
        bar.update(1)
    counts = pairs.group_by("method").len().sort("method").rows()
    detail = ", ".join(f"{m} {n}" for m, n in counts)
    stdout.write(
        _("%(n)d 对配对已写入 %(p)s") % {"n": pairs.height, "p": out} + (f"（{detail}）" if detail else "") + "\n"
    )
