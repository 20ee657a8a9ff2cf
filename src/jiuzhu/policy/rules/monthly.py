"""Every monthly programme for any number of households, column-wise.

One pass: persons get their household's parameters, person-level facts (age, counted income, 特困) are
computed, the 低保 unit is summed per household, the household decision is joined back for 单人保 and the
person programmes, and each programme is summed per household with its explanation lines. All money is
integer fen; ratios and percents are basis points (see params.py), so every line adds up exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.catalogue import MONTHLY_PROGRAMS
from jiuzhu.policy.rules.frames import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, conform
from jiuzhu.policy.rules.params import col, resolve

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
        **{f"bp_{c}": P(f"dibao.classified.{c}") for c, _ in CLASSIFIED},
    )
    return t.with_columns(
        **{f"add_{c}": share(pl.col("std"), pl.col(f"bp_{c}")) for c, _ in CLASSIFIED},
        edge_line=share(pl.col("std"), P("dibao.edge_ratio")),
        tekun_basic_raw=share(pl.col("std"), P("tekun.basic_ratio")),
    ).with_columns(tekun_basic=rounded(pl.col("tekun_basic_raw"), pl.col("rmode")))


def _flat(ctx: pl.DataFrame, keys: list[str]) -> pl.Series:
    """Amounts of several keys per context interleaved, so `ctx × len(keys) + choice` picks one."""
    return ctx.select(pl.concat_list([P(k) for k in keys]).alias("v")).explode("v")["v"]


def evaluate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    params: pl.DataFrame,
    *,
    date: dt.date | None = None,
    explain: bool = True,
) -> Evaluation:
    """Evaluates every monthly programme. `date` fills the households' `date` column when it is absent.
    `explain=False` leaves out the `CODE.persons` and `CODE.explain` columns (the persons frame still
    says who is covered by what): the monthly run needs amounts, a caseworker's screen the reasons."""
    if "date" not in households.columns:
        if date is None:
            raise ValueError("evaluate() needs a date column or the date argument")
        households = households.with_columns(date=pl.lit(date, dtype=pl.Date))
    hh = conform(households, HOUSEHOLD_COLUMNS, "households").with_row_index("_row")
    pairs = hh.select("region", "date").unique(maintain_order=True).with_row_index("pair")
    ctx = _contexts(pairs.join(resolve(pairs, params), on=["region", "date"], how="left").sort("pair"))
    look = _Lookup(ctx)
    hh = hh.join(pairs, on=["region", "date"], how="left", maintain_order="left").with_columns(
        ctx=pl.col("pair") * 2 + pl.col("urban").cast(pl.UInt32)
    )
    ps = conform(persons, PERSON_COLUMNS, "persons").join(
        hh.select("household_id", "_row", "ctx", "date"), on="household_id", how="inner", maintain_order="left"
    )
    if not ps["_row"].is_sorted():
        ps = ps.sort("_row", maintain_order=True)
    ps = ps.with_columns(pl.col("_row").set_sorted())
    ps = _person_facts(ps, look)
    house = _household_decision(hh, _unit_sums(ps), look)
    ps = ps.with_columns(
        dibao=pl.lit(house["dibao"]).gather(pl.col("_row")), edge=pl.lit(house["edge"]).gather(pl.col("_row"))
    )
    ps = _person_programs(ps, ctx, look)
    sums = ps.group_by("_row", maintain_order=True).agg(
        pl.col("single_amount").sum().alias("single_total"),
        *(pl.col(f"a:{code}").sum().alias(f"{code}.monthly") for code in PERSON_PROGRAMS),
    )
    house = house.join(sums, on="_row", how="left", maintain_order="left")
    details = _details(ps, house, look) if explain else None
    return Evaluation(households=_output(house, details), persons=ps.select(_PERSON_OUT))


def _person_facts(people: pl.DataFrame, look: _Lookup) -> pl.DataFrame:
    d, b = pl.col("date"), pl.col("birth_date")
    age = (d.dt.year() - b.dt.year()).cast(pl.Int32) - (
        (d.dt.month().cast(pl.Int32) * 100 + d.dt.day()) < (b.dt.month().cast(pl.Int32) * 100 + b.dt.day())
    ).cast(pl.Int32)
    grade, kind = pl.col("disability_grade"), pl.col("disability_kind")
    mental = kind.is_in(["intellectual", "mental"])
    people = people.with_columns(
        look("std"),
        age=age,
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
    conds = {
        "disability_severe": pl.col("severe"),
        "serious_illness": pl.col("serious_illness"),
        "elderly70": pl.col("age") >= 70,
        "minor": pl.col("age") < 18,
    }
    cand = {c: pl.when(conds[c]).then(look(f"add_{c}")).otherwise(0) for c, _ in CLASSIFIED}
    people = people.with_columns(
        in_unit=pl.col("member") & ~pl.col("tekun_paid"), addon=pl.max_horizontal(*cand.values())
    )
    category: pl.Expr = pl.lit(None, dtype=pl.String)
    for c, _ in reversed(CLASSIFIED):
        category = pl.when((pl.col("addon") > 0) & (cand[c] == pl.col("addon"))).then(pl.lit(c)).otherwise(category)
    return people.with_columns(category=category)


def _unit_sums(people: pl.DataFrame) -> pl.DataFrame:
    u = pl.col("in_unit")

    def masked(expr: pl.Expr) -> pl.Expr:
        return pl.when(u).then(expr).otherwise(0)

    aggs = [
        u.sum().alias("members"),
        masked(pl.col("counted")).sum().alias("income_raw"),
        masked(pl.col("job_cost")).sum().alias("job_cost_sum"),
        masked(pl.col("rigid_medical") + pl.col("rigid_rehab")).sum().alias("rigid_sum"),
        masked(pl.col("income_exempt")).sum().alias("exempt_sum"),
        (~pl.col("alive")).sum().alias("n_dead"),
        (pl.col("alive") & pl.col("excluded")).sum().alias("n_excluded"),
        pl.col("tekun_paid").sum().alias("n_tekun"),
    ]
    for c, _ in CLASSIFIED:
        hit = u & (pl.col("category") == c)
        aggs.append(hit.sum().alias(f"cnt_{c}"))
        aggs.append(pl.when(hit).then(pl.col("addon")).otherwise(0).sum().alias(f"add_{c}"))
    return people.group_by("_row", maintain_order=True).agg(aggs)


def _household_decision(hh: pl.DataFrame, unit: pl.DataFrame, look: _Lookup) -> pl.DataFrame:
    sums = [c for c in unit.columns if c != "_row"]
    h = hh.join(unit, on="_row", how="left", maintain_order="left").with_columns(
        pl.col(sums).fill_null(0),
        look("std"),
        look("rmode"),
        look("edge_line"),
        look(col("dibao.assets.max_homes")),
        look(col("dibao.assets.deposit_months")),
    )
    n, std = pl.col("members").cast(pl.Int64), pl.col("std")
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
        addon_total=pl.sum_horizontal(*(pl.col(f"add_{c}") for c, _ in CLASSIFIED)),
    ).with_columns(
        **{"class": pl.when("dibao").then(pl.lit("dibao")).when("edge").then(pl.lit("edge")).otherwise(pl.lit("none"))},
        gap_total=pl.col("gap") * n,
    )
    h = h.with_columns(raw=pl.col("gap_total") + pl.col("addon_total"))
    return h.with_columns(hh_amount=pl.when("dibao").then(rounded(pl.col("raw"), pl.col("rmode"))).otherwise(0))


def _person_programs(people: pl.DataFrame, ctx: pl.DataFrame, look: _Lookup) -> pl.DataFrame:
    std, member, age, grade = pl.col("std"), pl.col("member"), pl.col("age"), pl.col("disability_grade")
    mental = pl.col("disability_kind").is_in(["intellectual", "mental"])
    c = pl.col("ctx").cast(pl.Int64)
    care = _flat(ctx, ["tekun.care.self_sufficient", "tekun.care.partly_dependent", "tekun.care.fully_dependent"])
    huli = _flat(ctx, ["canji.huli.grade1", "canji.huli.grade2", "canji.huli.grade3_mental"])
    gaoling = _flat(ctx, ["gaoling.age80", "gaoling.age90", "gaoling.age100"])
    ertong = _flat(ctx, ["ertong.orphan_institution", "ertong.orphan_dispersed", "ertong.defacto"])
    adl = pl.col("adl_impossible")
    people = people.with_columns(
        look("rmode"),
        look("tekun_basic"),
        single_cand=pl.col("in_unit") & pl.col("edge") & pl.col("single_reason"),
        single_raw=std - pl.col("own") + pl.col("addon"),
        care=pl.lit(care).gather(c * 3 + pl.when(adl == 0).then(0).when(adl <= 3).then(1).otherwise(2)),
        huli_tier=pl.when(member & (grade == 1)).then(0).when(member & (grade == 2)).then(1)
        .when(member & (grade == 3) & mental).then(2),
        age_tier=pl.when(~member).then(None).when(age >= 100).then(2).when(age >= 90).then(1).when(age >= 80).then(0),
        orphan_tier=pl.when(~member | (age >= 18)).then(None).when(pl.col("orphan") == "orphan")
        .then(pl.when("institution").then(0).otherwise(1)).when(pl.col("orphan") == "defacto").then(2),
    )  # fmt: skip
    people = people.with_columns(
        single_ok=pl.col("single_cand") & (pl.col("own") < std),
        tekun_amount=pl.when("tekun_paid").then(pl.col("tekun_basic") + pl.col("care")).otherwise(0),
    ).with_columns(
        single_amount=pl.when("single_ok").then(rounded(pl.col("single_raw"), pl.col("rmode"))).otherwise(0),
        dibao_covered=(pl.col("in_unit") & pl.col("dibao")) | pl.col("single_ok"),
    )

    def pick(flat: pl.Series, tier: str) -> pl.Expr:
        return pl.lit(flat).gather(c * 3 + pl.col(tier).fill_null(0)).fill_null(0) * pl.col(tier).is_not_null()

    return people.with_columns(
        **{
            "a:tekun_central": pl.when(pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
            "a:tekun_dispersed": pl.when(~pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
            "a:canji_shenghuo": pl.when(pl.col("dibao_covered") & pl.col("disabled"))
            .then(look(col("canji.shenghuo")))
            .otherwise(0),
            "a:canji_huli": pick(huli, "huli_tier"),
            "a:gaoling": pick(gaoling, "age_tier"),
            "a:laonian_kunnan": pl.when(member & (age >= 60) & (pl.col("dibao_covered") | pl.col("tekun_paid")))
            .then(look(col("laonian.amount")))
            .otherwise(0),
            "a:ertong": pick(ertong, "orphan_tier"),
        }
    )


def _details(people: pl.DataFrame, house: pl.DataFrame, look: _Lookup) -> pl.DataFrame:
    """Who is covered and why, per household and programme. Lines are built only for the persons a
    line is about (covered, 特困 candidates, 单人保 candidates), so most of a million persons cost nothing."""
    shown = (
        pl.col("dibao_covered")
        | pl.col("single_cand")
        | (pl.col("member") & pl.col("tekun_group"))
        | pl.any_horizontal(pl.col(f"a:{code}") > 0 for code in PERSON_PROGRAMS)
    )
    subset = people.filter(shown)
    subset = subset.with_columns(
        look(col("tekun.basic_ratio")),
        look("tekun_basic_raw"),
        area_name=_area_name(look),
        label=pl.coalesce("label", pl.col("person_id").cast(pl.String)),
        addon_bp=pl.coalesce(*(pl.when(pl.col("category") == c).then(look(f"bp_{c}")) for c, _ in CLASSIFIED)),
    ).with_columns(_person_lines())
    pid = pl.col("person_id")
    aggs: list[pl.Expr] = [
        pid.filter("dibao_covered").alias("dibao.persons"),
        pl.col("single_line").filter("single_cand").alias("single_lines"),
    ]
    for code in PERSON_PROGRAMS:
        amount = pl.col(f"a:{code}")
        # 特困 explains every candidate, granted or not: the reasons a caseworker is asked for.
        if code == "tekun_central":
            line_rows = pl.col("member") & pl.col("tekun_group") & (pl.col("institution") | ~pl.col("tekun_paid"))
        elif code == "tekun_dispersed":
            line_rows = pl.col("member") & pl.col("tekun_group") & ~(pl.col("institution") & pl.col("tekun_paid"))
        else:
            line_rows = amount > 0
        aggs += [
            pid.filter(amount > 0).alias(f"{code}.persons"),
            pl.col(f"l:{code}").filter(line_rows).alias(f"{code}.explain"),
        ]
    per_house = subset.group_by("_row", maintain_order=True).agg(aggs)
    lines = house.with_columns(
        *(look(f"bp_{c}") for c, _ in CLASSIFIED), look(col("dibao.edge_ratio")), area_name=_area_name(look)
    ).select("_row", dibao_lines=_dibao_lines())
    return lines.join(per_house, on="_row", how="left", maintain_order="left")


def _area_name(look: _Lookup) -> pl.Expr:
    return pl.when(pl.col("ctx") % 2 == 1).then(pl.lit("城市")).otherwise(pl.lit("农村")).alias("area_name")


def _dibao_lines() -> pl.Expr:
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
    main = pl.when("dibao").then(granted).otherwise(refused)
    return pl.concat_list(members, income, assets, main)


def _person_lines() -> list[pl.Expr]:
    std, y = pl.col("std"), fmt.yuan
    age, grade = pl.col("age"), pl.col("disability_grade")
    mental = pl.col("disability_kind").is_in(["intellectual", "mental"])
    who = fmt.text(pl.col("label"), "：")
    std_text = fmt.text(pl.col("area_name"), "低保标准 ", y(std), " 元")
    dis = fmt.disability(pl.col("disability_kind"), grade)
    single_reason = pl.when(pl.col("severe") | ((grade == 3) & mental)).then(dis).otherwise(pl.lit("患重特大疾病"))
    addon_name = pl.col("category").replace_strict(dict(CLASSIFIED), default="", return_dtype=pl.String)
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
    tekun_line = pl.when("tekun").then(tekun_ok).otherwise(tekun_no)
    role = pl.when("tekun_paid").then(pl.lit("特困人员")).otherwise(pl.lit("低保对象"))
    orphan_kind = pl.when(pl.col("orphan") == "orphan").then(pl.lit("孤儿")).otherwise(pl.lit("事实无人抚养儿童"))
    return [
        single_line.alias("single_line"),
        *(e.alias(n) for n, e in {
            "l:tekun_central": tekun_line,
            "l:tekun_dispersed": tekun_line,
            "l:canji_shenghuo": fmt.text(who, dis, "，低保家庭成员，困难残疾人生活补贴 ",
                                         y(pl.col("a:canji_shenghuo")), " 元"),
            "l:canji_huli": fmt.text(who, dis, "，重度残疾人护理补贴 ", y(pl.col("a:canji_huli")), " 元"),
            "l:gaoling": fmt.text(who, age.cast(pl.String), " 周岁，高龄津贴 ", y(pl.col("a:gaoling")), " 元"),
            "l:laonian_kunnan": fmt.text(who, age.cast(pl.String), " 周岁，", role, "，经济困难老年人补贴 ",
                                         y(pl.col("a:laonian_kunnan")), " 元"),
            "l:ertong": fmt.text(who, orphan_kind, "，", pl.when("institution").then(pl.lit("机构养育"))
                                 .otherwise(pl.lit("社会散居")), "，基本生活费 ", y(pl.col("a:ertong")), " 元"),
        }.items()),
    ]  # fmt: skip


def _output(house: pl.DataFrame, details: pl.DataFrame | None) -> pl.DataFrame:
    h = house if details is None else house.join(details, on="_row", how="left", maintain_order="left")
    empty_ids = pl.lit([], dtype=pl.List(pl.Int64))
    dibao_monthly = pl.col("hh_amount") + pl.col("single_total").fill_null(0)
    urban = pl.col("urban")
    out: list[pl.Expr] = [
        pl.col("household_id", "region", "date", "urban", "members", "income", "per_capita", "class"),
    ]
    for code, applies in (("dibao_urban", urban), ("dibao_rural", ~urban)):
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
    for code in PERSON_PROGRAMS:
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
    return h.select(out)


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
