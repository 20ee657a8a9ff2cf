"""Deaths and cremations against the registry and the payroll."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_noop

from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.rules.base import Level, Rule, month_expr, out, program_name
from jiuzhu.matching.rules.context import Context, paid_lines_after
from jiuzhu.policy.rules import fmt


def _deaths(ctx: Context) -> pl.DataFrame:
    """Death records linked to a person the registry still shows alive."""
    linked = ctx.linked(Kind.DEATHS)
    if linked.height == 0:
        return linked
    return linked.filter(pl.col("date_of_death").is_null()).with_columns(month_expr(pl.col("death_date")).alias("dm"))


def dead_still_paid(ctx: Context) -> pl.DataFrame:
    deaths = _deaths(ctx)
    if deaths.height == 0:
        return out(deaths, key=pl.lit(""), summary=pl.lit(""), evidence=[])
    ents = ctx.covered.join(ctx.entitlements, on="entitlement_id").drop("household_id")
    hits = deaths.join(ents, on="person_id").filter(
        pl.col("end_month").is_null() | (pl.col("end_month") > pl.col("dm"))
    )
    lines = paid_lines_after(ctx, hits["entitlement_id"].unique().to_list())
    after = (
        hits.select("person_id", "entitlement_id", "dm")
        .join(lines, on="entitlement_id")
        .filter(pl.col("service_month") > pl.col("dm"))
        .group_by("person_id", "entitlement_id")
        .agg(pl.len().alias("months_paid"), pl.col("amount_fen").sum().alias("paid_fen"))
    )
    hits = hits.join(after, on=["person_id", "entitlement_id"], how="left").with_columns(
        pl.col("months_paid").fill_null(0), pl.col("paid_fen").fill_null(0)
    )
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("death_date"), separator="|"),
        summary=fmt.msg(
            "%(name)s 已于 %(date)s 死亡，%(program)s仍在发放，死亡后已发 %(months)s 个月",
            name=pl.col("name"),
            date=pl.col("death_date").cast(pl.String),
            program=program_name(pl.col("program")),
            months=pl.col("months_paid").cast(pl.String),
        ),
        evidence=[
            "row",
            "name",
            "death_date",
            "record_kind",
            "score",
            "method",
            "agreed",
            "entitlement_id",
            "program",
            "months_paid",
            "paid_fen",
        ],
    )


def dead_member_counted(ctx: Context) -> pl.DataFrame:
    deaths = _deaths(ctx)
    if deaths.height == 0:
        return out(deaths, key=pl.lit(""), summary=pl.lit(""), evidence=[])
    paid = ctx.covered.join(ctx.entitlements, on="entitlement_id").join(
        deaths.select("person_id", "dm"), on="person_id"
    )
    paid = paid.filter(pl.col("end_month").is_null() | (pl.col("end_month") > pl.col("dm")))
    hits = deaths.join(paid.select("person_id").unique(), on="person_id", how="anti")
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("death_date"), separator="|"),
        summary=fmt.msg(
            "%(name)s 已于 %(date)s 死亡，户籍和家庭成员中仍登记为在世",
            name=pl.col("name"),
            date=pl.col("death_date").cast(pl.String),
        ),
        evidence=["row", "name", "death_date", "record_kind", "score", "method", "agreed"],
    )


RULES = (
    Rule(
        "dead_still_paid",
        gettext_noop("死亡未停发"),
        gettext_noop("死亡或火化名单中的人员仍在享受救助待遇：应从死亡次月起停发，并追回死亡后多发的金额。"),
        gettext_noop("《社会救助暂行办法》第六十八条；最低生活保障审核确认办法（民发〔2021〕57号）第三十条"),
        Level.HIGH,
        (Kind.DEATHS,),
        dead_still_paid,
        ("record_death", "stop"),
    ),
    Rule(
        "dead_member_counted",
        gettext_noop("死亡人员仍计入家庭"),
        gettext_noop("死亡或火化名单中的人员在户籍和家庭成员信息中仍为在世：应登记死亡，并对其家庭复核。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第三十条"),
        Level.MEDIUM,
        (Kind.DEATHS,),
        dead_member_counted,
        ("record_death",),
    ),
)
