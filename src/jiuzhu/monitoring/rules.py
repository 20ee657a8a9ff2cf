"""The monitoring rules as pure functions over columns (Polars), no Django: who is a candidate for
monitoring and which warning level a monitored household carries, with the lines a caseworker reads.

Input: one row per household with its facts (`FACT_COLUMNS`, money in integer fen per month) and the
resolved parameters (`p:monitoring.*` in engine units, see policy.rules.params). The same functions serve
one household on its page and every household of a province in the scan.

Definitions (seed 第8篇, [DS2023], [GX]):
- income for monitoring = the members' counted income (wages, business, property, transfers, other) plus
  the assistance the household draws this month (active entitlements): 人均纯收入 includes transfers;
- line = 国家扶贫标准 × 倍数 / 12 per person per month;
- Ⅰ red: income below the line; or rigid spending at least the red share of income (刚性支出较大); or a
  recorded income collapse (收入大幅缩减); or complete loss of labour capacity: nobody able to work, with a
  disabled or seriously ill member;
- Ⅱ yellow: nobody able to work, no earned income (wages or business: the income is aid, transfers or
  dividends only), and a risk factor;
- Ⅲ blue: a risk factor, and either nobody fully able to work but someone partly able, or an unstable
  income (unstable employment, a lost job, a failed business);
- otherwise no level.
Candidates, most protected first: 特困 and 低保 (active entitlements), 低保边缘 (the engine's class),
刚性支出困难 (none of those, per-capita income below the local average, rigid spending over the share of
income), 其他低收入 (income below the line).
"""

from __future__ import annotations

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.i18n import gettext_noop
from jiuzhu.policy.rules.params import col
from jiuzhu.policy.rules.terms import P, share

KEYS = [
    "monitoring.poverty_line",
    "monitoring.line_multiple",
    "monitoring.red.rigid_share",
    "monitoring.rigid.share",
    "monitoring.rigid.average_income",
    "monitoring.assessment_months",
]

# Household facts the rules read, with their types. Money: fen per month.
FACT_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,
    "members": pl.Int64,
    "full_labor": pl.Int64,
    "partial_labor": pl.Int64,
    "disabled": pl.Boolean,
    "ill": pl.Boolean,
    "student": pl.Boolean,
    "unemployed": pl.Boolean,
    "gross": pl.Int64,
    "earned": pl.Int64,
    "rigid": pl.Int64,
    "aid": pl.Int64,
    "recorded_factors": pl.String,
    # For candidates only: the engine's class and the programmes drawn.
    "class": pl.String,
    "dibao": pl.Boolean,
    "tekun": pl.Boolean,
}

UNSTABLE = ("employment", "job_loss", "business")
FACTOR_NAMES = {
    "illness": gettext_noop("因病"),
    "schooling": gettext_noop("因学"),
    "disability": gettext_noop("因残"),
    "disaster": gettext_noop("因灾"),
    "accident": gettext_noop("因意外事故"),
    "business": gettext_noop("因产业失败"),
    "employment": gettext_noop("因就业不稳定"),
    "job_loss": gettext_noop("因失业"),
    "income_drop": gettext_noop("收入大幅缩减"),
}
_FACTOR_MESSAGES = {code: fmt.const(name) for code, name in FACTOR_NAMES.items()}


def _derived_factors() -> pl.Expr:
    """Recorded factors and those the registry shows, deduplicated in FACTOR_NAMES order."""
    recorded = pl.col("recorded_factors").fill_null("").str.split(",")
    derived = pl.concat_list(
        pl.when(pl.col("ill")).then(pl.lit("illness")),
        pl.when(pl.col("disabled")).then(pl.lit("disability")),
        pl.when(pl.col("student")).then(pl.lit("schooling")),
        pl.when(pl.col("unemployed")).then(pl.lit("job_loss")),
    )
    both = pl.concat_list(recorded, derived).list.drop_nulls()
    order = list(FACTOR_NAMES)
    return pl.concat_list(*(pl.when(both.list.contains(code)).then(pl.lit(code)) for code in order)).list.drop_nulls()


def with_measures(facts: pl.DataFrame) -> pl.DataFrame:
    """The facts with the derived columns: per_capita and line (fen/month), factors (list of codes)."""
    members = pl.col("members")
    income = pl.col("gross") + pl.col("aid")
    line = (P("monitoring.poverty_line") * P("monitoring.line_multiple") + 60_000) // 120_000
    return facts.with_columns(
        income=income,
        per_capita=pl.when(members > 0).then((income * 2 + members) // (2 * members)).otherwise(0),
        line=line,
        factors=_derived_factors(),
    )


def _has(code: str) -> pl.Expr:
    return pl.col("factors").list.contains(code)


def _factor_text() -> pl.Expr:
    names = pl.col("factors").list.eval(pl.element().replace_strict(_FACTOR_MESSAGES, default=pl.element()))
    return names.list.join(fmt.const("、"))


def _const(message: str) -> pl.Expr:
    return pl.lit(fmt.const(message), dtype=pl.String)


def warning_level(facts: pl.DataFrame, *, marked: bool = False) -> pl.DataFrame:
    """household_id, per_capita, line, factors (list), level (red/yellow/blue/none), reasons (list of lines):
    Chinese text, or with `marked` the marked messages that are stored and shown in the reader's language
    (core/messages.py)."""
    f = with_measures(facts)
    nobody_able = (pl.col("full_labor") == 0) & (pl.col("partial_labor") == 0)
    below_line = pl.col("per_capita") < pl.col("line")
    rigid_heavy = (pl.col("rigid") > 0) & (pl.col("rigid") >= share(pl.col("income"), P("monitoring.red.rigid_share")))
    collapse = _has("income_drop")
    lost = nobody_able & (pl.col("disabled") | pl.col("ill"))
    any_factor = pl.col("factors").list.len() > 0
    unstable = pl.any_horizontal(*(_has(c) for c in UNSTABLE))
    yellow = nobody_able & (pl.col("earned") == 0) & any_factor
    partly = (pl.col("full_labor") == 0) & (pl.col("partial_labor") > 0)
    blue = any_factor & (partly | unstable)
    red = below_line | rigid_heavy | collapse | lost
    pc, ln, m = fmt.yuan(pl.col("per_capita")), fmt.yuan(pl.col("line")), fmt.msg
    income_line = m(
        "家庭月收入 %(income)s 元（其中救助金 %(aid)s 元），%(n)s 人，人均 %(per_capita)s 元；监测收入线 %(line)s 元"
        "（扶贫标准 %(poverty_line)s 元/年 × %(multiple)s ÷ 12）",
        income=fmt.yuan(pl.col("income")), aid=fmt.yuan(pl.col("aid")), n=pl.col("members").cast(pl.String),
        per_capita=pc, line=ln, poverty_line=fmt.yuan(P("monitoring.poverty_line")),
        multiple=fmt.multiple(P("monitoring.line_multiple")),
    )  # fmt: skip
    factors_line = (
        pl.when(any_factor).then(m("风险因素：%(factors)s", factors=_factor_text())).otherwise(_const("无风险因素"))
    )
    red_lines = pl.concat_list(
        fmt.clause(below_line, m("人均收入 %(per_capita)s 元低于监测收入线 %(line)s 元 → Ⅰ级红色预警", per_capita=pc,
                                 line=ln)),
        fmt.clause(rigid_heavy, m(
            "刚性支出 %(rigid)s 元/月，达到家庭收入的 %(percent)s%% 以上 → Ⅰ级红色预警",
            rigid=fmt.yuan(pl.col("rigid")), percent=fmt.percent(P("monitoring.red.rigid_share")),
        )),
        fmt.clause(collapse, _const("收入大幅缩减，基本生活出现困难 → Ⅰ级红色预警")),
        fmt.clause(lost, _const("家庭成员均无劳动能力，且有残疾或重病成员（完全丧失劳动能力） → Ⅰ级红色预警")),
    )  # fmt: skip
    nobody = pl.col("members") == 0  # every member dead or excluded: nobody left to monitor
    level = (
        pl.when(nobody)
        .then(pl.lit("none"))
        .when(red)
        .then(pl.lit("red"))
        .when(yellow)
        .then(pl.lit("yellow"))
        .when(blue)
        .then(pl.lit("blue"))
        .otherwise(pl.lit("none"))
    )
    verdict = (
        pl.when(nobody)
        .then(_const("家庭已无共同生活成员，不设预警等级"))
        .when(red)
        .then(pl.lit(None, dtype=pl.String))
        .when(yellow)
        .then(_const("家庭成员均无劳动能力，无工资和经营收入，收入仅靠帮扶资金、分红等，且有风险因素 → Ⅱ级黄色预警"))
        .when(blue & partly)
        .then(_const("家庭成员部分丧失劳动能力，且有风险因素 → Ⅲ级蓝色预警"))
        .when(blue)
        .then(_const("收入不稳定（就业不稳定、失业或产业失败），且有风险因素 → Ⅲ级蓝色预警"))
        .otherwise(_const("未达到任一预警条件，不设预警等级"))
    )
    red_lines = pl.when(nobody).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(red_lines)
    reasons = pl.concat_list(income_line, factors_line, red_lines, verdict).list.drop_nulls()
    if not marked:
        reasons = reasons.list.eval(fmt.strip(pl.element()))
    return f.select("household_id", "per_capita", "line", "factors", level.alias("level"), reasons.alias("reasons"))


def candidate_category(facts: pl.DataFrame, *, marked: bool = False) -> pl.DataFrame:
    """household_id and category (tekun, dibao, edge, rigid, low_income, or null: not a candidate), with the
    line saying why (Chinese text, or a marked message with `marked`)."""
    f = with_measures(facts)
    members = pl.col("members")
    gross_pc_year = pl.when(members > 0).then(pl.col("gross") * 12 // members).otherwise(0)
    rigid = (
        (pl.col("class") == "none")
        & (gross_pc_year < P("monitoring.rigid.average_income"))
        & (pl.col("rigid") > 0)
        & (pl.col("rigid") > share(pl.col("gross"), P("monitoring.rigid.share")))
    )
    category = (
        pl.when(members == 0)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("tekun"))
        .then(pl.lit("tekun"))
        .when(pl.col("dibao"))
        .then(pl.lit("dibao"))
        .when(pl.col("class") == "edge")
        .then(pl.lit("edge"))
        .when(rigid)
        .then(pl.lit("rigid"))
        .when(pl.col("per_capita") < pl.col("line"))
        .then(pl.lit("low_income"))
    )
    why: pl.Expr = (
        pl.when(members == 0)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("tekun"))
        .then(_const("享受特困人员救助供养"))
        .when(pl.col("dibao"))
        .then(_const("享受最低生活保障"))
        .when(pl.col("class") == "edge")
        .then(_const("收入低于低保边缘标准，未享受低保（低保边缘家庭）"))
        .when(rigid)
        .then(fmt.msg(
            "近12个月刚性支出 %(rigid)s 元，超过家庭收入 %(income)s 元的 %(percent)s%%，人均收入低于当地平均 "
            "%(average)s 元/年（刚性支出困难家庭）", rigid=fmt.yuan(pl.col("rigid") * 12),
            income=fmt.yuan(pl.col("gross") * 12), percent=fmt.percent(P("monitoring.rigid.share")),
            average=fmt.yuan(P("monitoring.rigid.average_income")),
        ))
        .when(pl.col("per_capita") < pl.col("line"))
        .then(fmt.msg("人均收入 %(per_capita)s 元低于监测收入线 %(line)s 元", per_capita=fmt.yuan(pl.col("per_capita")),
                      line=fmt.yuan(pl.col("line"))))
    )  # fmt: skip
    if not marked:
        why = fmt.strip(why)
    return f.select("household_id", category.alias("category"), why.alias("why"))


def param_columns() -> list[str]:
    return [col(k) for k in KEYS]
