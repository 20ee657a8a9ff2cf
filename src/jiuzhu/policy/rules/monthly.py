"""Every monthly programme for any number of households, column-wise.

One pass: households are numbered by their distinct (region, date) pair, whose parameters are resolved
once; persons are laid out in household order and get their pair's values by a gather; person-level
facts (age, counted income, 特困, the 分类施保 add-on) are computed; the 低保 unit is summed per
household as differences of running sums at the household offsets (no hash group-by); the household
decision is gathered back for 单人保 and the person programmes, which are summed the same way; the
explanation lines are built only when asked for and only for the persons a line is about. All money is
integer fen; ratios and percents are basis points (see params.py), so every line adds up exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.catalogue import MONTHLY_PROGRAMS
from jiuzhu.policy.rules.frames import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, conform
from jiuzhu.policy.rules.params import PARAMETER_SPECS, col, resolve

PERSON_PROGRAMS = (
    "tekun_central",
    "tekun_dispersed",
    "canji_shenghuo",
    "canji_huli",
    "gaoling",
    "laonian_kunnan",
    "ertong",
)

# 分类施保 categories in the order a member is placed when several apply: one add-on per member, the
# largest, so a severely disabled 75-year-old is not paid twice for the same need.
CLASSIFIED = (
    ("disability_severe", "重度残疾"),
    ("serious_illness", "重病"),
    ("elderly70", "70周岁以上老年人"),
    ("minor", "未成年人"),
)

NO_MEMBER_LINE = "家庭中无符合条件的成员"

# The parameters the monthly rules read; the one-off rules' keys need not be set for a monthly run.
MONTHLY_KEYS = [
    k for k in PARAMETER_SPECS if k.split(".")[0] in ("dibao", "tekun", "canji", "gaoling", "laonian", "ertong")
]


@dataclass(frozen=True)
class Evaluation:
    """`households`: one row per household — members, income, per-capita income (fen), class, and for
    each monthly programme `CODE.eligible`, `CODE.monthly` (fen), `CODE.persons` and `CODE.explain`.
    `persons`: one row per person with the facts and the fen amount of each person programme."""

    households: pl.DataFrame
    persons: pl.DataFrame


def P(key: str) -> pl.Expr:  # reads like the formula: P("dibao.standard.urban")
    return pl.col(col(key))


ROUNDING_MODES = {"ceil_yuan": 0, "round_yuan": 1, "fen": 2}


def rounded(raw: pl.Expr, mode: pl.Expr) -> pl.Expr:
    return pl.when(mode == 0).then((raw + 99) // 100 * 100).when(mode == 1).then((raw + 50) // 100 * 100).otherwise(raw)


def share(amount: pl.Expr, bp: pl.Expr) -> pl.Expr:
    """amount × bp / 10 000, rounded half up to the fen."""
    return (amount * bp + 5_000) // 10_000


def _rounding_clause(raw: pl.Expr, final: pl.Expr) -> pl.Expr:
    return fmt.text("合计 ", fmt.yuan(raw), " 元", pl.when(final != raw).then(
        fmt.text("，按规定取整为 ", fmt.yuan(final), " 元")).otherwise(pl.lit("")))  # fmt: skip


class _Lookup:
    """Values per context (one (region, date) pair × urban/rural), gathered into a frame of any length by
    its `ctx` column. The table has a few hundred rows even for a province, so a gather replaces a join."""

    def __init__(self, table: pl.DataFrame) -> None:
        self.table = table

    def __call__(self, name: str) -> pl.Expr:
        return pl.lit(self.table[name]).gather(pl.col("ctx")).alias(name)


def _contexts(resolved: pl.DataFrame) -> pl.DataFrame:
    """Per (pair, urban), sorted so that row number = pair × 2 + urban: every parameter a rule needs,
    already turned into fen where a rule only reads an amount (add-ons, 特困 basic living)."""
    t = resolved.join(pl.DataFrame({"urban": [False, True]}), how="cross").sort("pair", "urban")
    std = pl.when(pl.col("urban")).then(P("dibao.standard.urban")).otherwise(P("dibao.standard.rural"))
    t = t.with_columns(
        std=std,
        rmode=P("dibao.rounding").replace_strict(ROUNDING_MODES, return_dtype=pl.Int8),
        date_key=_date_key(pl.col("date")),
        **{f"bp_{c}": P(f"dibao.classified.{c}") for c, _ in CLASSIFIED},
    )
    return t.with_columns(
        **{f"add_{c}": share(pl.col("std"), pl.col(f"bp_{c}")) for c, _ in CLASSIFIED},
        edge_line=share(pl.col("std"), P("dibao.edge_ratio")),
        tekun_basic_raw=share(pl.col("std"), P("tekun.basic_ratio")),
    ).with_columns(tekun_basic=rounded(pl.col("tekun_basic_raw"), pl.col("rmode")))


def _addon_tables(ctx: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """For every context and every set of 分类施保 conditions a person meets (a 4-bit mask in the order
    of CLASSIFIED), the add-on paid — the largest that applies — and its class (index into CLASSIFIED,
    the first in that order on a tie; null when none applies). Indexed by ctx × 16 + mask."""
    addon, cls = _addon_exprs()
    flat = ctx.select(addon=addon, cls=cls).explode("addon", "cls")
    return flat["addon"], flat["cls"]


@cache
def _addon_exprs() -> tuple[pl.Expr, pl.Expr]:
    addons, classes = [], []
    for mask in range(16):
        cands = [
            pl.col(f"add_{c}") if mask >> i & 1 else pl.lit(0, dtype=pl.Int64) for i, (c, _) in enumerate(CLASSIFIED)
        ]
        best = pl.max_horizontal(*cands)
        cls: pl.Expr = pl.lit(None, dtype=pl.Int8)
        for i in reversed(range(len(CLASSIFIED))):
            if mask >> i & 1:
                cls = pl.when((best > 0) & (cands[i] == best)).then(pl.lit(i, dtype=pl.Int8)).otherwise(cls)
        addons.append(best)
        classes.append(cls)
    return pl.concat_list(addons), pl.concat_list(classes)


def _flat(ctx: pl.DataFrame, keys: list[str]) -> pl.Series:
    """Amounts of several keys per context interleaved, so `ctx × len(keys) + choice` picks one."""
    return ctx.select(pl.concat_list([P(k) for k in keys]).alias("v")).explode("v")["v"]


def _date_key(d: pl.Expr) -> pl.Expr:
    """YYYYMMDD as an integer: the difference of two keys floor-divided by 10 000 is the age in years."""
    return d.dt.year().cast(pl.Int32) * 10_000 + d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)


def _birth_keys(birth: pl.Series) -> pl.Expr:
    """The date key of every birth date, read from a table of the days between the earliest and the
    latest birth date: a gather instead of three calendar decompositions of millions of dates."""
    days = birth.cast(pl.Int32)
    lo, hi = days.min(), days.max()
    if lo is None or hi is None:
        return pl.lit(None, dtype=pl.Int32)
    first = dt.date(1970, 1, 1) + dt.timedelta(days=int(str(lo)))
    last = dt.date(1970, 1, 1) + dt.timedelta(days=int(str(hi)))
    table = pl.select(_date_key(pl.date_range(first, last))).to_series()
    return pl.lit(table).gather(pl.col("birth_date").cast(pl.Int32) - int(str(lo)))


def _pairs(hh: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The distinct (region, date) pairs, numbered, and each household's pair number. Parameters are
    resolved once per pair. Pairs are told apart by a hash of both, checked against the households'
    own values, with a join on the text as the fallback should two pairs ever share a hash."""
    keys = hh.select("region", "date")
    h = keys.select(pl.struct("region", "date").hash().alias("h"))["h"]
    first = h.arg_unique()
    pairs = keys[first].with_columns(h=h.gather(first)).with_row_index("pair")
    pair = h.to_frame().join(pairs.select("h", "pair"), on="h", how="left", maintain_order="left")["pair"]
    if keys.equals(pairs.select("region", "date")[pair]):
        return pairs.drop("h"), pair
    pairs = keys.unique(maintain_order=True).with_row_index("pair")
    return pairs, keys.join(pairs, on=["region", "date"], how="left", maintain_order="left")["pair"]


def _layout(hh: pl.DataFrame, persons: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The persons in household order with `_row`, their household's row, and the offsets: household
    i's persons are rows offsets[i] to offsets[i + 1]. Persons of a household not given are left out.

    Sums per household are then differences of running sums at the offsets, an order of magnitude
    faster than a hash group-by over a million households. Persons already in the households' order
    (the usual case: both read from the database by id) are recognised in one pass."""
    ids, pid = hh["household_id"], persons["household_id"]
    h = hh.height
    increasing = ids.is_sorted() and bool((ids.diff().slice(1) > 0).all())
    if not increasing and ids.n_unique() != h:
        raise ValueError("household_id must be unique")
    if increasing and persons.height and pid.is_sorted():
        starts = (pid != pid.shift(1)).fill_null(True)
        if starts.sum() == h and pid.filter(starts).equals(ids, check_names=False):
            rows = (starts.cast(pl.UInt32).cum_sum() - 1).alias("_row")
            offsets = pl.concat([starts.arg_true(), pl.Series([persons.height], dtype=pl.UInt32)])
            return persons.with_columns(rows.set_sorted()), offsets.cast(pl.Int64)
    order = ids.arg_sort()
    sorted_ids = ids.gather(order)
    pos = sorted_ids.search_sorted(pid).cast(pl.Int64)
    found = (pos < h) & (sorted_ids.gather(pos.clip(0, max(h - 1, 0))) == pid) if h else pos < 0
    people = persons.filter(found).with_columns(_row=order.gather(pos.filter(found)).cast(pl.UInt32))
    if not people["_row"].is_sorted():
        people = people.sort("_row", maintain_order=True)
    counts = np.bincount(people["_row"].to_numpy(), minlength=h)
    offsets = pl.Series(np.concatenate([[0], np.cumsum(counts)]), dtype=pl.Int64)
    return people.with_columns(pl.col("_row").set_sorted()), offsets


def _segment_sums(values: pl.DataFrame, offsets: pl.Series) -> pl.DataFrame:
    """Per household, the sum of each column of `values` (one row per person, in household order):
    differences of the running sum at the offsets."""
    at = offsets.to_numpy()
    out = {}
    for name in values.columns:
        running = np.zeros(values.height + 1, dtype=np.int64)
        np.cumsum(values[name].fill_null(0).to_numpy(), out=running[1:])
        out[name] = np.diff(running[at])
    return pl.DataFrame(out, schema=dict.fromkeys(values.columns, pl.Int64))


def _selected(programs: Iterable[str] | None) -> tuple[str, ...]:
    if programs is None:
        return tuple(MONTHLY_PROGRAMS)
    chosen = set(programs)
    unknown = chosen - set(MONTHLY_PROGRAMS)
    if unknown:
        raise ValueError(f"unknown monthly programmes: {sorted(unknown)}")
    return tuple(code for code in MONTHLY_PROGRAMS if code in chosen)


def evaluate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    params: pl.DataFrame,
    *,
    date: dt.date | None = None,
    explain: bool = True,
    programs: Iterable[str] | None = None,
) -> Evaluation:
    """Evaluates the monthly programmes, all of them unless `programs` names some (the 低保 decision
    itself, with its 特困 carve-out and 单人保, is always made: the others depend on it). `date` fills
    the households' `date` column when it is absent. `explain=False` leaves out the `CODE.persons` and
    `CODE.explain` columns (the persons frame still says who is covered by what): the monthly run needs
    amounts, a caseworker's screen the reasons."""
    codes = _selected(programs)
    person_codes = tuple(code for code in PERSON_PROGRAMS if code in codes)
    if "date" not in households.columns:
        if date is None:
            raise ValueError("evaluate() needs a date column or the date argument")
        households = households.with_columns(date=pl.lit(date, dtype=pl.Date))
    hh = conform(households, HOUSEHOLD_COLUMNS, "households").with_row_index("_row")
    pairs, pair = _pairs(hh)
    ctx = _contexts(pairs.join(resolve(pairs, params, MONTHLY_KEYS), on=["region", "date"], how="left").sort("pair"))
    look = _Lookup(ctx)
    hh = hh.with_columns(ctx=pair.cast(pl.UInt32) * 2 + pl.col("urban").cast(pl.UInt32))
    ps, offsets = _layout(hh, conform(persons, PERSON_COLUMNS, "persons"))
    ps = ps.with_columns(ctx=pl.lit(hh["ctx"]).gather(pl.col("_row")))
    ps = _person_facts(ps.lazy(), look, _birth_keys(ps["birth_date"]), _addon_tables(ctx)).collect()
    house = _household_decision(hh.hstack(_unit_sums(ps, offsets, explain)), look)
    ps = ps.with_columns(
        dibao=pl.lit(house["dibao"]).gather(pl.col("_row")), edge=pl.lit(house["edge"]).gather(pl.col("_row"))
    )
    ps = _person_programs(ps.lazy(), ctx, look, person_codes).collect()
    sums = _segment_sums(
        ps.select(pl.col("single_amount").alias("single_total"), *(pl.col(f"a:{code}") for code in person_codes)),
        offsets,
    ).rename({f"a:{code}": f"{code}.monthly" for code in person_codes})
    house = house.hstack(sums)
    details = _details(ps, house, look, person_codes) if explain else None
    out = [c for c in _PERSON_OUT if not c.startswith("a:") or c[2:] in person_codes]
    return Evaluation(households=_output(house, details, codes), persons=ps.select(out))


def _person_facts(
    people: pl.LazyFrame, look: _Lookup, birth_key: pl.Expr, addons: tuple[pl.Series, pl.Series]
) -> pl.LazyFrame:
    grade, kind = pl.col("disability_grade"), pl.col("disability_kind")
    mental = (kind == "intellectual") | (kind == "mental")
    people = people.with_columns(
        look("std"),
        age=(look("date_key") - birth_key) // 10_000,
        member=pl.col("alive") & ~pl.col("excluded"),
        job_cost=share(pl.col("income_wage"), look(col("dibao.job_cost_ratio"))),
        severe=(grade <= 2).fill_null(False),
        disabled=grade.is_not_null() & kind.is_not_null(),
        single_reason=((grade <= 2) | ((grade == 3) & mental)).fill_null(False) | pl.col("serious_illness"),
        # [TK] art. 5–6: the disabilities that make a person unable to work.
        tekun_disabled=(
            (mental & (grade <= 3))
            | ((kind == "physical") & (grade <= 2))
            | ((kind == "visual") & (grade == 1))
            | ((kind == "multiple") & (grade <= 2))
        ).fill_null(False),
    )
    people = people.with_columns(
        counted=pl.col("income_wage")
        - pl.col("job_cost")
        + pl.col("income_business")
        + pl.col("income_property")
        + pl.col("income_transfer")
        + pl.col("income_other")
        - pl.col("rigid_medical")
        - pl.col("rigid_rehab"),
        tekun_group=(pl.col("age") >= 60) | (pl.col("age") < 18) | pl.col("tekun_disabled"),
        # [TK] art. 6: the elderly, children under 16 and those disabilities count as unable to work
        # whatever the labour field says.
        no_labor=(pl.col("labor") == "none") | (pl.col("age") >= 60) | (pl.col("age") < 16) | pl.col("tekun_disabled"),
    ).with_columns(own=pl.max_horizontal("counted", pl.lit(0)))
    people = people.with_columns(
        tekun=pl.col("member")
        & pl.col("tekun_group")
        & pl.col("no_labor")
        & (pl.col("own") < pl.col("std"))
        & (pl.col("supporter") != "capable")
        & (pl.col("orphan") == "none")
    ).with_columns(tekun_paid=pl.col("tekun") & ~pl.col("prefers_dibao"))
    mask = sum(
        (cond.cast(pl.Int64) * (1 << i) for i, cond in enumerate(
            (pl.col("severe"), pl.col("serious_illness"), pl.col("age") >= 70, pl.col("age") < 18))),
        start=pl.col("ctx").cast(pl.Int64) * 16,
    )  # fmt: skip
    addon, cls = addons
    return people.with_columns(
        in_unit=pl.col("member") & ~pl.col("tekun_paid"),
        addon=pl.lit(addon).gather(mask),
        category=pl.lit(cls).gather(mask),
    )


def _unit_sums(people: pl.DataFrame, offsets: pl.Series, explain: bool) -> pl.DataFrame:
    """The 低保 unit per household: its size, counted income and add-ons; with `explain`, also what the
    explanation lines count (job costs, rigid spending, the dead, the excluded, each add-on class)."""
    u = pl.col("in_unit")

    def masked(expr: pl.Expr) -> pl.Expr:
        return pl.when(u).then(expr).otherwise(0)

    values = [
        u.alias("members"),
        masked(pl.col("counted")).alias("income_raw"),
        masked(pl.col("addon")).alias("addon_total"),
    ]
    if explain:
        values += [
            masked(pl.col("job_cost")).alias("job_cost_sum"),
            masked(pl.col("rigid_medical") + pl.col("rigid_rehab")).alias("rigid_sum"),
            masked(pl.col("income_exempt")).alias("exempt_sum"),
            (~pl.col("alive")).alias("n_dead"),
            (pl.col("alive") & pl.col("excluded")).alias("n_excluded"),
            pl.col("tekun_paid").alias("n_tekun"),
        ]
        for i, (c, _) in enumerate(CLASSIFIED):
            hit = u & (pl.col("category") == i).fill_null(False)
            values += [hit.alias(f"cnt_{c}"), pl.when(hit).then(pl.col("addon")).otherwise(0).alias(f"add_{c}")]
    return _segment_sums(people.select(values), offsets)


def _household_decision(hh: pl.DataFrame, look: _Lookup) -> pl.DataFrame:
    h = hh.lazy().with_columns(
        look("std"),
        look("rmode"),
        look("edge_line"),
        look(col("dibao.assets.max_homes")),
        look(col("dibao.assets.deposit_months")),
    )
    n, std = pl.col("members"), pl.col("std")
    h = h.with_columns(
        income=pl.max_horizontal("income_raw", pl.lit(0)),
        vehicles_bad=(pl.col("vehicles") - pl.col("disability_vehicle").cast(pl.Int32)) > 0,
        homes_bad=pl.col("homes") > P("dibao.assets.max_homes"),
        deposit_limit=share(std * n, P("dibao.assets.deposit_months")),
    ).with_columns(
        # Half up to the fen, so gap × members in the explanation multiplies out exactly.
        per_capita=pl.when(n > 0).then((pl.col("income") * 2 + n) // (2 * n)).otherwise(0),
        deposits_bad=pl.col("deposits") > pl.col("deposit_limit"),
    )
    h = h.with_columns(
        assets_ok=~(pl.col("vehicles_bad") | pl.col("homes_bad") | pl.col("deposits_bad") | pl.col("business"))
    )
    h = h.with_columns(dibao=(n > 0) & (pl.col("per_capita") < std) & pl.col("assets_ok"))
    h = h.with_columns(
        edge=(n > 0) & ~pl.col("dibao") & pl.col("assets_ok") & (pl.col("per_capita") < pl.col("edge_line")),
        gap=std - pl.col("per_capita"),
    ).with_columns(
        **{"class": pl.when("dibao").then(pl.lit("dibao")).when("edge").then(pl.lit("edge")).otherwise(pl.lit("none"))},
        gap_total=pl.col("gap") * n,
    )
    h = h.with_columns(raw=pl.col("gap_total") + pl.col("addon_total"))
    return h.with_columns(
        hh_amount=pl.when("dibao").then(rounded(pl.col("raw"), pl.col("rmode"))).otherwise(0)
    ).collect()


def _person_programs(people: pl.LazyFrame, ctx: pl.DataFrame, look: _Lookup, codes: tuple[str, ...]) -> pl.LazyFrame:
    std, member, age, grade = pl.col("std"), pl.col("member"), pl.col("age"), pl.col("disability_grade")
    mental = pl.col("disability_kind").is_in(["intellectual", "mental"])
    c = pl.col("ctx").cast(pl.Int64)
    people = (
        people.with_columns(
            look("rmode"),
            single_cand=pl.col("in_unit") & pl.col("edge") & pl.col("single_reason"),
            single_raw=std - pl.col("own") + pl.col("addon"),
        )
        .with_columns(single_ok=pl.col("single_cand") & (pl.col("own") < std))
        .with_columns(
            single_amount=pl.when("single_ok").then(rounded(pl.col("single_raw"), pl.col("rmode"))).otherwise(0),
            dibao_covered=(pl.col("in_unit") & pl.col("dibao")) | pl.col("single_ok"),
        )
    )
    if not codes:
        return people

    def pick(keys: list[str], tier: pl.Expr) -> pl.Expr:
        flat = _flat(ctx, keys)
        return pl.lit(flat).gather(c * 3 + tier.fill_null(0)).fill_null(0) * tier.is_not_null()

    adl = pl.col("adl_impossible")
    care = pick(
        ["tekun.care.self_sufficient", "tekun.care.partly_dependent", "tekun.care.fully_dependent"],
        pl.when(adl == 0).then(0).when(adl <= 3).then(1).otherwise(2),
    )
    huli_tier = (
        pl.when(member & (grade == 1))
        .then(0)
        .when(member & (grade == 2))
        .then(1)
        .when(member & (grade == 3) & mental)
        .then(2)
    )
    age_tier = pl.when(~member).then(None).when(age >= 100).then(2).when(age >= 90).then(1).when(age >= 80).then(0)
    orphan_tier = (
        pl.when(~member | (age >= 18))
        .then(None)
        .when(pl.col("orphan") == "orphan")
        .then(pl.when("institution").then(0).otherwise(1))
        .when(pl.col("orphan") == "defacto")
        .then(2)
    )
    people = people.with_columns(look("tekun_basic"), care=care).with_columns(
        tekun_amount=pl.when("tekun_paid").then(pl.col("tekun_basic") + pl.col("care")).otherwise(0)
    )
    amounts = {
        "tekun_central": pl.when(pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
        "tekun_dispersed": pl.when(~pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
        "canji_shenghuo": pl.when(pl.col("dibao_covered") & pl.col("disabled"))
        .then(look(col("canji.shenghuo")))
        .otherwise(0),
        "canji_huli": pick(["canji.huli.grade1", "canji.huli.grade2", "canji.huli.grade3_mental"], huli_tier),
        "gaoling": pick(["gaoling.age80", "gaoling.age90", "gaoling.age100"], age_tier),
        "laonian_kunnan": pl.when(member & (age >= 60) & (pl.col("dibao_covered") | pl.col("tekun_paid")))
        .then(look(col("laonian.amount")))
        .otherwise(0),
        "ertong": pick(["ertong.orphan_institution", "ertong.orphan_dispersed", "ertong.defacto"], orphan_tier),
    }
    return people.with_columns(**{f"a:{code}": amounts[code] for code in codes})


def _details(people: pl.DataFrame, house: pl.DataFrame, look: _Lookup, codes: tuple[str, ...]) -> pl.DataFrame:
    """Who is covered and why, per household and programme. Lines are built only for the persons a
    line is about (covered, 特困 candidates, 单人保 candidates), so most of a million persons cost nothing."""
    shown = (
        pl.col("dibao_covered")
        | pl.col("single_cand")
        | (pl.col("member") & pl.col("tekun_group"))
        | pl.any_horizontal(pl.lit(False), *(pl.col(f"a:{code}") > 0 for code in codes))
    )
    base = (
        people.lazy()
        .filter(shown)
        .with_columns(
            look(col("tekun.basic_ratio")),
            look("tekun_basic_raw"),
            area_name=_area_name(look),
            label=pl.coalesce("label", pl.col("person_id").cast(pl.String)),
            addon_bp=pl.coalesce(
                *(pl.when(pl.col("category") == i).then(look(f"bp_{c}")) for i, (c, _) in enumerate(CLASSIFIED))
            ),
        )
        .collect()
        .lazy()
    )
    pid = pl.col("person_id")
    per_house = base.group_by("_row", maintain_order=True).agg(
        pid.filter("dibao_covered").alias("dibao.persons"),
        *(pid.filter(pl.col(f"a:{code}") > 0).alias(f"{code}.persons") for code in codes),
    )
    lines = _person_lines(codes)
    # Each kind of line is built only for the persons it is about: text is the costly part.
    # 特困 explains every candidate, granted or not: the reasons a caseworker is asked for.
    candidate = pl.col("member") & pl.col("tekun_group")
    parts: list[tuple[pl.Expr, pl.Expr, dict[str, pl.Expr]]] = [
        (pl.col("single_cand"), lines["single_line"], {"single_lines": pl.lit(True)})
    ]
    if "tekun_central" in codes or "tekun_dispersed" in codes:
        central = pl.col("institution") | ~pl.col("tekun_paid")
        dispersed = ~(pl.col("institution") & pl.col("tekun_paid"))
        chosen = {f"{code}.explain": rows for code, rows in (("tekun_central", central), ("tekun_dispersed", dispersed))
                  if code in codes}  # fmt: skip
        parts.append((candidate, pl.when("tekun").then(lines["tekun_ok"]).otherwise(lines["tekun_no"]), chosen))
    for code in codes:
        if not code.startswith("tekun"):
            parts.append((pl.col(f"a:{code}") > 0, lines[code], {f"{code}.explain": pl.lit(True)}))
    for rows, line, outputs in parts:
        # The line is computed before grouping: an expression inside agg() runs group by group.
        some = base.filter(rows)
        some = some.with_columns(line.alias("line"))
        listed = (
            some.with_columns(**{f"in:{name}": keep for name, keep in outputs.items()})
            .group_by("_row", maintain_order=True)
            .agg(pl.col("line").filter(f"in:{name}").alias(name) for name in outputs)
        )
        per_house = per_house.join(listed, on="_row", how="left", maintain_order="left")
    common, granted, refused = _dibao_lines()
    hh_lines = house.lazy().with_columns(
        *(look(f"bp_{c}") for c, _ in CLASSIFIED), look(col("dibao.edge_ratio")), area_name=_area_name(look)
    )
    hh_lines = hh_lines.select(
        "_row", dibao_lines=pl.concat_list(common, pl.when("dibao").then(granted).otherwise(refused))
    )
    return hh_lines.join(per_house, on="_row", how="left", maintain_order="left").collect()


def _area_name(look: _Lookup) -> pl.Expr:
    return pl.when(pl.col("ctx") % 2 == 1).then(pl.lit("城市")).otherwise(pl.lit("农村")).alias("area_name")


@cache  # expressions are immutable: built once per process
def _dibao_lines() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The lines every household gets, and the last line when 低保 is granted and when it is refused."""
    n, y = pl.col("members"), fmt.yuan
    members = fmt.text(
        "计入共同生活家庭成员 ",
        n.cast(pl.String),
        " 人",
        pl.concat_str(
            pl.lit("（不计入：", dtype=pl.String),
            fmt.join(
                fmt.clause(pl.col("n_dead") > 0, "已故 ", pl.col("n_dead").cast(pl.String), " 人"),
                fmt.clause(pl.col("n_excluded") > 0, "按规定不计入 ", pl.col("n_excluded").cast(pl.String), " 人"),
                fmt.clause(pl.col("n_tekun") > 0, "纳入特困供养单列 ", pl.col("n_tekun").cast(pl.String), " 人"),
                separator="、",
            ),
            pl.lit("）"),
        ).fill_null(""),
    )
    no_notes = (pl.col("n_dead") + pl.col("n_excluded") + pl.col("n_tekun")) == 0
    members = pl.when(no_notes).then(fmt.text("计入共同生活家庭成员 ", n.cast(pl.String), " 人")).otherwise(members)
    income = fmt.join(
        fmt.text("家庭月收入合计 ", y(pl.col("income")), " 元"),
        fmt.clause(pl.col("job_cost_sum") > 0, "工资性收入已扣除就业成本 ", y(pl.col("job_cost_sum")), " 元"),
        fmt.clause(pl.col("rigid_sum") > 0, "已扣除刚性支出 ", y(pl.col("rigid_sum")), " 元"),
        fmt.clause(pl.col("exempt_sum") > 0, "豁免收入 ", y(pl.col("exempt_sum")), " 元不计入"),
    )
    assets = pl.when("assets_ok").then(pl.lit("家庭财产状况符合规定")).otherwise(
        fmt.text(
            "家庭财产不符合规定：",
            fmt.join(
                fmt.clause(pl.col("vehicles_bad"), "有机动车辆（残疾人代步车除外）"),
                fmt.clause(pl.col("homes_bad"), "房产 ", pl.col("homes").cast(pl.String), " 套，超过 ",
                           P("dibao.assets.max_homes").cast(pl.String), " 套"),
                fmt.clause(pl.col("deposits_bad"), "存款等 ", y(pl.col("deposits")), " 元，超过限额 ",
                           y(pl.col("deposit_limit")), " 元（", fmt.multiple(P("dibao.assets.deposit_months")),
                           " 个月标准 × ", n.cast(pl.String), " 人）"),
                fmt.clause(pl.col("business"), "有工商登记"),
                separator="、",
            ),
        )
    )  # fmt: skip
    std_text = fmt.text(pl.col("area_name"), "低保标准 ", y(pl.col("std")), " 元")
    pc_text = fmt.text("家庭月人均收入 ", y(pl.col("per_capita")), " 元")
    addons = [
        fmt.clause(pl.col(f"cnt_{c}") > 0, name, " ", pl.col(f"cnt_{c}").cast(pl.String), " 人加发 ",
                   fmt.percent(pl.col(f"bp_{c}")), "% 标准 ", y(pl.col(f"add_{c}")), " 元")
        for c, name in CLASSIFIED
    ]  # fmt: skip
    granted = fmt.join(
        fmt.text(pc_text, " < ", std_text),
        fmt.text("差额 ", y(pl.col("gap")), " 元 × ", n.cast(pl.String), " 人 = ", y(pl.col("gap_total")), " 元"),
        *addons,
        _rounding_clause(pl.col("raw"), pl.col("hh_amount")),
    )
    refused = (
        pl.when(n == 0)
        .then(pl.lit("家庭无在世且计入的成员，不享受低保"))
        .when(pl.col("per_capita") < pl.col("std"))
        .then(fmt.text(pc_text, " < ", std_text, "，但家庭财产不符合规定，不享受低保"))
        .otherwise(
            fmt.text(
                pc_text, " ≥ ", std_text, "，不符合低保条件",
                pl.when("edge").then(fmt.text("；低于低保边缘标准 ", y(pl.col("edge_line")), " 元（",
                                              fmt.multiple(P("dibao.edge_ratio")), " 倍），属低保边缘家庭"))
                .otherwise(pl.lit("")),
            )
        )
    )  # fmt: skip
    return pl.concat_list(members, income, assets), granted, refused


@cache
def _person_lines(codes: tuple[str, ...]) -> dict[str, pl.Expr]:
    std, y = pl.col("std"), fmt.yuan
    age, grade = pl.col("age"), pl.col("disability_grade")
    mental = pl.col("disability_kind").is_in(["intellectual", "mental"])
    who = fmt.text(pl.col("label"), "：")
    std_text = fmt.text(pl.col("area_name"), "低保标准 ", y(std), " 元")
    dis = fmt.disability(pl.col("disability_kind"), grade)
    single_reason = pl.when(pl.col("severe") | ((grade == 3) & mental)).then(dis).otherwise(pl.lit("患重特大疾病"))
    addon_name = pl.col("category").replace_strict(
        {i: name for i, (_, name) in enumerate(CLASSIFIED)}, default="", return_dtype=pl.String
    )
    single_line = fmt.text(
        "单人保：", pl.col("label"), "（", single_reason, "）在低保边缘家庭中按单人户审核：个人月收入 ",
        y(pl.col("own")),
        " 元",
        pl.when("single_ok").then(fmt.join(
            fmt.text(" < ", std_text),
            fmt.text("差额 ", y(std - pl.col("own")), " 元 × 1 人 = ", y(std - pl.col("own")), " 元"),
            fmt.clause(pl.col("addon") > 0, addon_name, " 1 人加发 ", fmt.percent(pl.col("addon_bp")), "% 标准 ",
                       y(pl.col("addon")), " 元"),
            _rounding_clause(pl.col("single_raw"), pl.col("single_amount")),
        )).otherwise(fmt.text(" ≥ ", std_text, "，不能单人保")),
    )  # fmt: skip
    tekun_cat = pl.when(age >= 60).then(pl.lit("年满60周岁")).when(age < 18).then(pl.lit("未满18周岁")).otherwise(dis)
    supporter = (
        pl.when(pl.col("supporter") == "none")
        .then(pl.lit("无法定赡养抚养扶养义务人"))
        .otherwise(pl.lit("法定义务人无赡养抚养扶养能力"))
    )
    tier = (
        pl.when(pl.col("adl_impossible") == 0)
        .then(pl.lit("生活自理"))
        .when(pl.col("adl_impossible") <= 3)
        .then(pl.lit("部分失能"))
        .otherwise(pl.lit("完全失能"))
    )
    tekun_ok = fmt.text(
        who, tekun_cat, "，无劳动能力，", supporter, "，个人月收入 ", y(pl.col("own")), " 元 < ", std_text,
        "，符合特困人员认定条件",
        pl.when("tekun_paid").then(fmt.text(
            "；基本生活费 ", fmt.multiple(P("tekun.basic_ratio")), " 倍标准 ", y(pl.col("tekun_basic_raw")), " 元",
            pl.when(pl.col("tekun_basic") != pl.col("tekun_basic_raw"))
            .then(fmt.text("，按规定取整为 ", y(pl.col("tekun_basic")), " 元")).otherwise(pl.lit("")),
            "；", tier, "照料护理费 ", y(pl.col("care")), " 元；合计 ", y(pl.col("tekun_amount")), " 元（",
            pl.when("institution").then(pl.lit("集中供养")).otherwise(pl.lit("分散供养")), "）",
        )).otherwise(pl.lit("；本人自愿选择低保，按低保家庭成员计算")),
    )  # fmt: skip
    tekun_no = fmt.text(
        who, tekun_cat, "，不符合特困人员认定条件：",
        fmt.join(
            fmt.clause(~pl.col("no_labor"), "有劳动能力"),
            fmt.clause(pl.col("own") >= std, "个人月收入 ", y(pl.col("own")), " 元 ≥ ", std_text),
            fmt.clause(pl.col("supporter") == "capable", "有具备能力的赡养抚养扶养人"),
            fmt.clause(pl.col("orphan") != "none", "按孤儿、事实无人抚养儿童保障"),
            separator="、",
        ),
    )  # fmt: skip
    role = pl.when("tekun_paid").then(pl.lit("特困人员")).otherwise(pl.lit("低保对象"))
    orphan_kind = pl.when(pl.col("orphan") == "orphan").then(pl.lit("孤儿")).otherwise(pl.lit("事实无人抚养儿童"))
    lines = {
        "single_line": single_line,
        "tekun_ok": tekun_ok,
        "tekun_no": tekun_no,
        "canji_shenghuo": fmt.text(who, dis, "，低保家庭成员，困难残疾人生活补贴 ", y(pl.col("a:canji_shenghuo")),
                                   " 元"),
        "canji_huli": fmt.text(who, dis, "，重度残疾人护理补贴 ", y(pl.col("a:canji_huli")), " 元"),
        "gaoling": fmt.text(who, age.cast(pl.String), " 周岁，高龄津贴 ", y(pl.col("a:gaoling")), " 元"),
        "laonian_kunnan": fmt.text(who, age.cast(pl.String), " 周岁，", role, "，经济困难老年人补贴 ",
                                   y(pl.col("a:laonian_kunnan")), " 元"),
        "ertong": fmt.text(who, orphan_kind, "，", pl.when("institution").then(pl.lit("机构养育"))
                           .otherwise(pl.lit("社会散居")), "，基本生活费 ", y(pl.col("a:ertong")), " 元"),
    }  # fmt: skip
    return {
        name: line for name, line in lines.items() if name in ("single_line", "tekun_ok", "tekun_no") or name in codes
    }


def _output(house: pl.DataFrame, details: pl.DataFrame | None, codes: tuple[str, ...]) -> pl.DataFrame:
    h = house if details is None else house.join(details, on="_row", how="left", maintain_order="left")
    empty_ids = pl.lit([], dtype=pl.List(pl.Int64))
    dibao_monthly = pl.col("hh_amount") + pl.col("single_total").fill_null(0)
    urban = pl.col("urban")
    out: list[pl.Expr] = [
        pl.col("household_id", "region", "date", "urban", "members", "income", "per_capita", "class"),
    ]
    for code, applies in (("dibao_urban", urban), ("dibao_rural", ~urban)):
        if code not in codes:
            continue
        monthly = pl.when(applies).then(dibao_monthly).otherwise(0)
        out += [(monthly > 0).alias(f"{code}.eligible"), monthly.alias(f"{code}.monthly")]
        if details is not None:
            other = (
                "本户为农村家庭，适用农村最低生活保障"
                if code == "dibao_urban"
                else "本户为城镇家庭，适用城市最低生活保障"
            )
            lines = pl.concat_list(
                "dibao_lines", pl.col("single_lines").fill_null(pl.lit([], dtype=pl.List(pl.String)))
            )
            out += [
                pl.when(applies & (monthly > 0))
                .then(pl.col("dibao.persons").fill_null(empty_ids))
                .otherwise(empty_ids)
                .alias(f"{code}.persons"),
                pl.when(applies).then(lines).otherwise(pl.concat_list(pl.lit(other))).alias(f"{code}.explain"),
            ]
    for code in (code for code in PERSON_PROGRAMS if code in codes):
        monthly = pl.col(f"{code}.monthly").fill_null(0)
        out += [(monthly > 0).alias(f"{code}.eligible"), monthly]
        if details is not None:
            lines = pl.col(f"{code}.explain")
            out += [
                pl.col(f"{code}.persons").fill_null(empty_ids),
                pl.when(lines.list.len().fill_null(0) > 0)
                .then(lines)
                .otherwise(pl.concat_list(pl.lit(NO_MEMBER_LINE)))
                .alias(f"{code}.explain"),
            ]
    return h.lazy().select(out).collect()


_PERSON_OUT = [
    "person_id",
    "household_id",
    "age",
    "member",
    "in_unit",
    "own",
    "tekun",
    "tekun_paid",
    "dibao_covered",
    "single_ok",
    "single_amount",
    *(f"a:{c}" for c in PERSON_PROGRAMS),
]

assert set(MONTHLY_PROGRAMS) == {"dibao_urban", "dibao_rural", *PERSON_PROGRAMS}
