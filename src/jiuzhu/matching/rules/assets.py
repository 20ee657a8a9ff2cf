"""Assets and salaries in a 低保 household: vehicles, business registrations, a second home, public payroll;
and a 渐退期 that ran on past its end."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_noop

from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.rules.base import DIBAO, Level, Rule, month_expr, out, program_name
from jiuzhu.matching.rules.context import Context, gradual_exit_starts, paid_lines_after
from jiuzhu.matching.rules.params import number
from jiuzhu.policy.rules import fmt

_EMPTY = pl.DataFrame()
_NONE = out(_EMPTY, key=pl.lit(""), summary=pl.lit(""), evidence=[])


def _in_dibao(ctx: Context, kind: str) -> pl.DataFrame:
    """The kind's rows linked to a living member of a household that 低保 pays this month."""
    linked = ctx.linked(kind)
    if linked.height == 0:
        return linked
    households = ctx.coverage(DIBAO).select("household_id").unique()
    return linked.filter(pl.col("date_of_death").is_null()).join(households, on="household_id")


def vehicle_in_dibao(ctx: Context) -> pl.DataFrame:
    hits = _in_dibao(ctx, Kind.VEHICLES)
    if hits.height == 0:
        return _NONE
    hits = hits.filter(~pl.col("disability_vehicle").fill_null(False))
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("plate"), separator="|"),
        summary=fmt.msg("低保家庭成员 %(name)s 名下有机动车 %(plate)s", name=pl.col("name"), plate=pl.col("plate")),
        evidence=["row", "name", "plate", "vehicle_type", "registered_on", "score", "method", "agreed"],
    )


def business_in_dibao(ctx: Context) -> pl.DataFrame:
    hits = _in_dibao(ctx, Kind.BUSINESS)
    if hits.height == 0:
        return _NONE
    hits = hits.filter(~pl.col("status").fill_null("").str.contains("注销|吊销"))
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("company"), separator="|"),
        summary=fmt.msg(
            "低保家庭成员 %(name)s 登记有市场主体：%(company)s", name=pl.col("name"), company=pl.col("company")
        ),
        evidence=["row", "name", "company", "credit_code", "registered_on", "status", "score", "method", "agreed"],
    )


def second_home_in_dibao(ctx: Context) -> pl.DataFrame:
    hits = _in_dibao(ctx, Kind.REAL_ESTATE)
    if hits.height == 0:
        return _NONE
    limit = number("dibao.assets.max_homes", prefix=ctx.prefix, on=ctx.today)
    homes = (
        hits.group_by("household_id")
        .agg(
            pl.col("cert_no").unique().sort().alias("certs"),
            pl.col("location"),
            pl.col("name").unique().alias("owners"),
        )
        .with_columns(pl.col("certs").list.len().alias("homes"))
        .filter(pl.col("homes") > limit)
    )
    return out(
        homes,
        key=pl.concat_str(pl.col("household_id"), pl.col("certs").list.join(","), separator="|"),
        summary=fmt.msg(
            "低保家庭名下有 %(homes)s 处房产（上限 %(limit)s 处）",
            homes=pl.col("homes").cast(pl.String),
            limit=str(limit),
        ),
        evidence=["homes", "certs", "location", "owners"],
    )


def salary_in_dibao(ctx: Context) -> pl.DataFrame:
    hits = _in_dibao(ctx, Kind.PAYROLL)
    if hits.height == 0:
        return _NONE
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("employer"), separator="|"),
        summary=fmt.msg(
            "低保家庭成员 %(name)s 为财政供养人员（%(employer)s）", name=pl.col("name"), employer=pl.col("employer")
        ),
        evidence=["row", "name", "employer", "monthly_salary", "score", "method", "agreed"],
    )


def gradual_exit_overrun(ctx: Context) -> pl.DataFrame:
    """A 渐退期 paid past its last month, or set longer than the region's 渐退期上限."""
    ents = ctx.entitlements.filter(pl.col("gradual_exit"))
    if ents.height == 0:
        return _NONE
    ids = ents["entitlement_id"].to_list()
    limit = number("review.months.gradual_exit_max", prefix=ctx.prefix, on=ctx.today)
    starts = gradual_exit_starts(ids).group_by("entitlement_id").agg(pl.col("exit_from").max())
    lines = paid_lines_after(ctx, ids)
    late = (
        lines.join(ents.select("entitlement_id", "end_month"), on="entitlement_id")
        .filter(pl.col("end_month").is_null() | (pl.col("service_month") > pl.col("end_month")))
        .group_by("entitlement_id")
        .agg(pl.len().alias("months_over"), pl.col("amount_fen").sum().alias("paid_fen"))
    )
    frame = (
        ents.join(starts, on="entitlement_id", how="left")
        .join(late, on="entitlement_id", how="left")
        .with_columns(pl.col("months_over").fill_null(0), pl.col("paid_fen").fill_null(0))
        .with_columns(
            pl.when(pl.col("exit_from").is_not_null() & pl.col("end_month").is_not_null())
            .then(
                (pl.col("end_month").dt.year() - pl.col("exit_from").dt.year()) * 12
                + pl.col("end_month").dt.month().cast(pl.Int32)
                - pl.col("exit_from").dt.month().cast(pl.Int32)
                + 1
            )
            .alias("exit_months")
        )
    )
    hits = frame.filter(
        (pl.col("months_over") > 0) | (pl.col("exit_months") > limit) | pl.col("end_month").is_null()
    ).join(ctx.households.select("household_id", "number"), on="household_id")
    return out(
        hits,
        key=pl.concat_str(
            pl.col("entitlement_id"), month_expr(pl.col("end_month")).fill_null(pl.lit(None)), separator="|"
        ),
        summary=fmt.msg(
            "户 %(number)s 的%(program)s渐退期至 %(end)s，渐退 %(months)s 个月（上限 %(limit)s），"
            "期满后已发 %(over)s 个月",
            number=pl.col("number"),
            program=program_name(pl.col("program")),
            end=pl.col("end_month").cast(pl.String).fill_null("—"),
            months=pl.col("exit_months").cast(pl.String).fill_null("—"),
            limit=str(limit),
            over=pl.col("months_over").cast(pl.String),
        ),
        evidence=[
            "number",
            "entitlement_id",
            "program",
            "exit_from",
            "end_month",
            "exit_months",
            "months_over",
            "paid_fen",
        ],
    )


RULES = (
    Rule(
        "vehicle_in_dibao",
        gettext_noop("低保家庭有机动车"),
        gettext_noop("低保家庭成员名下登记有机动车（残疾人功能性补偿代步车除外）。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第十六条；本地家庭财产认定标准"),
        Level.MEDIUM,
        (Kind.VEHICLES,),
        vehicle_in_dibao,
        ("stop", "review"),
    ),
    Rule(
        "business_in_dibao",
        gettext_noop("低保家庭有工商登记"),
        gettext_noop("低保家庭成员登记有企业或个体工商户（已注销、吊销的除外）。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第十六条；本地家庭财产认定标准"),
        Level.MEDIUM,
        (Kind.BUSINESS,),
        business_in_dibao,
        ("stop", "review"),
    ),
    Rule(
        "second_home_in_dibao",
        gettext_noop("低保家庭有多套房产"),
        gettext_noop("低保家庭成员名下的房产套数超过本地上限。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第十六条；本地家庭财产认定标准"),
        Level.MEDIUM,
        (Kind.REAL_ESTATE,),
        second_home_in_dibao,
        ("stop", "review"),
    ),
    Rule(
        "salary_in_dibao",
        gettext_noop("低保家庭有财政供养人员"),
        gettext_noop("低保家庭成员在财政供养人员名单中（机关事业单位工作人员）。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第十三条"),
        Level.HIGH,
        (Kind.PAYROLL,),
        salary_in_dibao,
        ("stop", "review"),
    ),
    Rule(
        "gradual_exit_overrun",
        gettext_noop("渐退期满仍发放"),
        gettext_noop("渐退期已满仍在发放，或渐退期长于本地上限。"),
        gettext_noop("关于进一步做好最低生活保障等社会救助兜底保障工作的通知（2022）：渐退期最长 6 个月"),
        Level.HIGH,
        (),
        gradual_exit_overrun,
        ("stop",),
    ),
)
