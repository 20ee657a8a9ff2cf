"""最低生活保障 (低保), urban and rural: one household decision, paid to urban or to rural households.

The unit is the household's living members not excluded by rule, less its 特困 members (programs/
tekun.py) who did not choose 低保. Each member's counted income is their income less the job cost share
of wages and their rigid medical and rehabilitation spending; exempt income is not counted. The unit
qualifies when its per-capita income (half up to the fen) is below the area's standard and its assets
pass (no vehicle but a disability vehicle, homes up to the limit, deposits up to so many months of the
standard per member, no registered business). It is paid the gap × members plus one 分类施保 add-on per
member (the largest that applies), rounded as the region says. A unit that fails only by income but is
below the 低保边缘 line is 低保边缘; in it, a member severely disabled or seriously ill whose own income is
below the standard is paid alone (单人保) the gap of one person plus their add-on.

policy/rules/reference.py holds the same rule as plain Python, one household at a time.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.entry import HouseholdRule, Look, Periodicity, Program, Unit, gettext_noop, look_key
from jiuzhu.policy.rules.params import col
from jiuzhu.policy.rules.programs import tekun
from jiuzhu.policy.rules.terms import (
    IS_MENTAL,
    MENTAL,
    ROUNDING_MODES,
    P,
    collect,
    disability,
    rounded,
    rounding_clause,
    share,
    std_text,
)

# 分类施保 categories in the order a member is placed when several apply: one add-on per member, the
# largest, so a severely disabled 75-year-old is not paid twice for the same need.
CLASSIFIED = (
    ("disability_severe", gettext_noop("重度残疾")),
    ("serious_illness", gettext_noop("重病")),
    ("elderly70", gettext_noop("70周岁以上老年人")),
    ("minor", gettext_noop("未成年人")),
)
# Whether a member is in each category, in CLASSIFIED's order.
CLASSIFIED_WHEN = (pl.col("severe"), pl.col("serious_illness"), pl.col("age") >= 70, pl.col("age") < 18)

KEYS = (
    "dibao.standard.urban",
    "dibao.standard.rural",
    "dibao.rounding",
    "dibao.edge_ratio",
    "dibao.job_cost_ratio",
    "dibao.assets.deposit_months",
    "dibao.assets.max_homes",
    *(f"dibao.classified.{c}" for c, _ in CLASSIFIED),
)

# Per context (region, date, area): the standard, the rounding mode, each add-on in fen, the edge line.
CONTEXT = (
    {
        "std": pl.when(pl.col("urban")).then(P("dibao.standard.urban")).otherwise(P("dibao.standard.rural")),
        "rmode": P("dibao.rounding").replace_strict(ROUNDING_MODES, return_dtype=pl.Int8),
        **{f"bp_{c}": P(f"dibao.classified.{c}") for c, _ in CLASSIFIED},
    },
    {
        **{f"add_{c}": share(pl.col("std"), pl.col(f"bp_{c}")) for c, _ in CLASSIFIED},
        "edge_line": share(pl.col("std"), P("dibao.edge_ratio")),
    },
)


def person_facts(people: pl.LazyFrame, look: Look, age: pl.Expr, addon: pl.Expr, category: pl.Expr) -> pl.LazyFrame:
    """Each person's age, counted income and whether they are in the 低保 unit. `age` is the age in whole
    years on the household's date; `addon` and `category` give the 分类施保 add-on and its class (index
    into CLASSIFIED, null when none applies) from the person's categories (see the engine's addon tables).
    A member is living and not excluded by rule from the household."""
    first, *middle, last = _fact_stages()
    people = people.with_columns(
        look("std"), age=age, job_cost=share(pl.col("income_wage"), look_key(look, "dibao.job_cost_ratio")), **first
    )
    for stage in middle:
        people = people.with_columns(**stage)
    return people.with_columns(addon=addon, category=category, **last)


@cache  # expressions are immutable and read no data: built once per process
def _fact_stages() -> tuple[dict[str, pl.Expr], ...]:
    """person_facts' columns that read no parameter, stage by stage."""
    grade, kind = pl.col("disability_grade"), pl.col("disability_kind")
    return (
        {
            "member": pl.col("alive") & ~pl.col("excluded"),
            "severe": (grade <= 2).fill_null(False),
            "disabled": grade.is_not_null() & kind.is_not_null(),
            "single_reason": ((grade <= 2) | ((grade == 3) & IS_MENTAL)).fill_null(False) | pl.col("serious_illness"),
            "tekun_disabled": tekun.DISABLED,
        },
        {
            "counted": pl.col("income_wage")
            - pl.col("job_cost")
            + pl.col("income_business")
            + pl.col("income_property")
            + pl.col("income_transfer")
            + pl.col("income_other")
            - pl.col("rigid_medical")
            - pl.col("rigid_rehab"),
            "tekun_group": tekun.GROUP,
            "no_labor": tekun.NO_LABOR,
        },
        {"own": pl.max_horizontal("counted", pl.lit(0))},
        {"tekun": tekun.ELIGIBLE},
        {"tekun_paid": tekun.PAID},
        {"in_unit": pl.col("member") & ~pl.col("tekun_paid")},
    )


@cache  # built once per process: the list is shared, not to be changed
def unit_values(explain: bool) -> list[pl.Expr]:
    """Per person, what the 低保 unit sums per household: its size, counted income and add-ons; with
    `explain`, also what the lines count (job costs, rigid spending, the dead, the excluded, each class)."""
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
    return values


def household_decision(hh: pl.LazyFrame, look: Look) -> pl.DataFrame:
    """The household's class (dibao, edge, none) and amount, from the unit's sums."""
    h = hh.with_columns(
        look("std"),
        look("rmode"),
        look("edge_line"),
        look_key(look, "dibao.assets.max_homes"),
        look_key(look, "dibao.assets.deposit_months"),
    )
    for stage in _decision_stages():
        h = h.with_columns(**stage)
    return collect(h)


@cache
def _decision_stages() -> tuple[dict[str, pl.Expr], ...]:
    n, std = pl.col("members"), pl.col("std")
    return (
        {
            "income": pl.max_horizontal("income_raw", pl.lit(0)),
            "vehicles_bad": (pl.col("vehicles") - pl.col("disability_vehicle").cast(pl.Int32)) > 0,
            "homes_bad": pl.col("homes") > P("dibao.assets.max_homes"),
            "deposit_limit": share(std * n, P("dibao.assets.deposit_months")),
        },
        {
            # Half up to the fen, so gap × members in the explanation multiplies out exactly.
            "per_capita": pl.when(n > 0).then((pl.col("income") * 2 + n) // (2 * n)).otherwise(0),
            "deposits_bad": pl.col("deposits") > pl.col("deposit_limit"),
        },
        {"assets_ok": ~(pl.col("vehicles_bad") | pl.col("homes_bad") | pl.col("deposits_bad") | pl.col("business"))},
        {"dibao": (n > 0) & (pl.col("per_capita") < std) & pl.col("assets_ok")},
        {
            "edge": (n > 0) & ~pl.col("dibao") & pl.col("assets_ok") & (pl.col("per_capita") < pl.col("edge_line")),
            "gap": std - pl.col("per_capita"),
        },
        {
            "class": pl.when("dibao").then(pl.lit("dibao")).when("edge").then(pl.lit("edge")).otherwise(pl.lit("none")),
            "gap_total": pl.col("gap") * n,
        },
        {"raw": pl.col("gap_total") + pl.col("addon_total")},
        {"hh_amount": pl.when("dibao").then(rounded(pl.col("raw"), pl.col("rmode"))).otherwise(0)},
    )


def single_person(people: pl.LazyFrame, look: Look) -> pl.LazyFrame:
    """单人保 in a 低保边缘 household, and who is covered by 低保 at all. `people` has the household's
    `dibao` and `edge` gathered onto each person."""
    first, *rest = _single_stages()
    people = people.with_columns(look("rmode"), **first)
    for stage in rest:
        people = people.with_columns(**stage)
    return people


@cache
def _single_stages() -> tuple[dict[str, pl.Expr], ...]:
    std = pl.col("std")
    return (
        {
            "single_cand": pl.col("in_unit") & pl.col("edge") & pl.col("single_reason"),
            "single_raw": std - pl.col("own") + pl.col("addon"),
        },
        {"single_ok": pl.col("single_cand") & (pl.col("own") < std)},
        {
            "single_amount": pl.when("single_ok").then(rounded(pl.col("single_raw"), pl.col("rmode"))).otherwise(0),
            "dibao_covered": (pl.col("in_unit") & pl.col("dibao")) | pl.col("single_ok"),
        },
    )


@cache  # expressions are immutable: built once per process
def household_lines() -> tuple[pl.Expr, ...]:
    """The lines of every household: its members, its income, its assets, and 低保 granted or refused."""
    n, y, m = pl.col("members"), fmt.yuan, fmt.msg

    def count(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String)

    notes = fmt.join(
        fmt.clause(pl.col("n_dead") > 0, m("已故 %(n)s 人", n=count("n_dead"))),
        fmt.clause(pl.col("n_excluded") > 0, m("按规定不计入 %(n)s 人", n=count("n_excluded"))),
        fmt.clause(pl.col("n_tekun") > 0, m("纳入特困供养单列 %(n)s 人", n=count("n_tekun"))),
        separator="、",
    )
    no_notes = (pl.col("n_dead") + pl.col("n_excluded") + pl.col("n_tekun")) == 0
    members = fmt.choose(
        [(no_notes, m("计入共同生活家庭成员 %(n)s 人", n=count("members")))],
        m("计入共同生活家庭成员 %(n)s 人（不计入：%(notes)s）", n=count("members"), notes=notes),
    )
    income = fmt.join(
        m("家庭月收入合计 %(amount)s 元", amount=y(pl.col("income"))),
        fmt.clause(pl.col("job_cost_sum") > 0, m("工资性收入已扣除就业成本 %(amount)s 元",
                                                 amount=y(pl.col("job_cost_sum")))),
        fmt.clause(pl.col("rigid_sum") > 0, m("已扣除刚性支出 %(amount)s 元", amount=y(pl.col("rigid_sum")))),
        fmt.clause(pl.col("exempt_sum") > 0, m("豁免收入 %(amount)s 元不计入", amount=y(pl.col("exempt_sum")))),
    )  # fmt: skip
    assets = fmt.choose([(pl.col("assets_ok"), pl.lit(fmt.const("家庭财产状况符合规定")))],
        m("家庭财产不符合规定：%(reasons)s", reasons=fmt.join(
            fmt.clause(pl.col("vehicles_bad"), pl.lit(fmt.const("有机动车辆（残疾人代步车除外）"))),
            fmt.clause(pl.col("homes_bad"), m("房产 %(homes)s 套，超过 %(limit)s 套", homes=count("homes"),
                                              limit=P("dibao.assets.max_homes").cast(pl.String))),
            fmt.clause(pl.col("deposits_bad"), m(
                "存款等 %(deposits)s 元，超过限额 %(limit)s 元（%(months)s 个月标准 × %(n)s 人）",
                deposits=y(pl.col("deposits")), limit=y(pl.col("deposit_limit")),
                months=fmt.multiple(P("dibao.assets.deposit_months")), n=count("members"))),
            fmt.clause(pl.col("business"), pl.lit(fmt.const("有工商登记"))),
            separator="、",
        ))
    )  # fmt: skip
    pc = y(pl.col("per_capita"))
    addons = [
        fmt.clause(pl.col(f"cnt_{c}") > 0, m(
            "%(category)s %(n)s 人加发 %(percent)s%% 标准 %(amount)s 元", category=fmt.const(name),
            n=count(f"cnt_{c}"), percent=fmt.percent(pl.col(f"bp_{c}")), amount=y(pl.col(f"add_{c}"))))
        for c, name in CLASSIFIED
    ]  # fmt: skip
    granted = fmt.join(
        m("家庭月人均收入 %(income)s 元 < %(standard)s", income=pc, standard=std_text()),
        m("差额 %(gap)s 元 × %(n)s 人 = %(total)s 元", gap=y(pl.col("gap")), n=count("members"),
          total=y(pl.col("gap_total"))),
        *addons,
        rounding_clause(pl.col("raw"), pl.col("hh_amount")),
    )  # fmt: skip
    refused = fmt.choose([
        (n == 0, pl.lit(fmt.const("家庭无在世且计入的成员，不享受低保"))),
        (pl.col("per_capita") < pl.col("std"),
         m("家庭月人均收入 %(income)s 元 < %(standard)s，但家庭财产不符合规定，不享受低保", income=pc,
           standard=std_text())),
        (pl.col("edge"),
         m("家庭月人均收入 %(income)s 元 ≥ %(standard)s，不符合低保条件；低于低保边缘标准 %(line)s 元"
           "（%(ratio)s 倍），属低保边缘家庭", income=pc, standard=std_text(), line=y(pl.col("edge_line")),
           ratio=fmt.multiple(P("dibao.edge_ratio")))),
    ], m("家庭月人均收入 %(income)s 元 ≥ %(standard)s，不符合低保条件", income=pc, standard=std_text()))  # fmt: skip
    return members, income, assets, fmt.choose([(pl.col("dibao"), granted)], refused)


# The context columns the household lines read.
HOUSEHOLD_LINE_READS = (*(f"bp_{c}" for c, _ in CLASSIFIED), col("dibao.edge_ratio"))


@cache
def single_line() -> pl.Expr:
    """单人保: one line per candidate member of a 低保边缘 household, paid or not."""
    std, y, grade, m = pl.col("std"), fmt.yuan, pl.col("disability_grade"), fmt.msg
    mental = pl.col("disability_kind").is_in(MENTAL)
    reason = fmt.choose([(pl.col("severe") | ((grade == 3) & mental), disability())], pl.lit(fmt.const("患重特大疾病")))
    addon_name = pl.col("category").replace_strict(
        {i: fmt.const(name) for i, (_, name) in enumerate(CLASSIFIED)}, default="", return_dtype=pl.String
    )
    gap = y(std - pl.col("own"))
    return fmt.choose([(pl.col("single_ok"), m(
        "单人保：%(name)s（%(reason)s）在低保边缘家庭中按单人户审核："
        "个人月收入 %(income)s 元 < %(standard)s；%(details)s",
        name=pl.col("label"), reason=reason, income=y(pl.col("own")), standard=std_text(),
        details=fmt.join(
            m("差额 %(gap)s 元 × 1 人 = %(total)s 元", gap=gap, total=gap),
            fmt.clause(pl.col("addon") > 0, m("%(category)s 1 人加发 %(percent)s%% 标准 %(amount)s 元",
                                              category=addon_name, percent=fmt.percent(pl.col("addon_bp")),
                                              amount=y(pl.col("addon")))),
            rounding_clause(pl.col("single_raw"), pl.col("single_amount")),
        ),
    ))], m(
        "单人保：%(name)s（%(reason)s）在低保边缘家庭中按单人户审核："
        "个人月收入 %(income)s 元 ≥ %(standard)s，不能单人保",
        name=pl.col("label"), reason=reason, income=y(pl.col("own")), standard=std_text(),
    ))  # fmt: skip


_DOCUMENTS = (("income", gettext_noop("家庭收入情况说明")), ("assets", gettext_noop("家庭财产申报")))

URBAN = Program(
    "dibao_urban", gettext_noop("城市最低生活保障"), Unit.HOUSEHOLD, Periodicity.MONTHLY,
    excludes=("dibao_rural", "tekun_central", "tekun_dispersed"),
    keys=KEYS,
    documents=_DOCUMENTS,
    household=HouseholdRule(urban=True, other_area_line=fmt.const("本户为农村家庭，适用农村最低生活保障")),
)  # fmt: skip

RURAL = Program(
    "dibao_rural", gettext_noop("农村最低生活保障"), Unit.HOUSEHOLD, Periodicity.MONTHLY,
    excludes=("dibao_urban", "tekun_central", "tekun_dispersed"),
    keys=KEYS,
    documents=_DOCUMENTS,
    household=HouseholdRule(urban=False, other_area_line=fmt.const("本户为城镇家庭，适用城市最低生活保障")),
)  # fmt: skip
