"""Who should be covered and is not: 保人不保户, 该吃五保吃低保, the disability subsidies, the elderly subsidy."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_noop

from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.rules.base import DIBAO, TEKUN, Level, Rule, age_expr, out
from jiuzhu.matching.rules.context import Context
from jiuzhu.matching.rules.params import number
from jiuzhu.policy.rules import fmt

_MISSING = (
    gettext_noop("困难残疾人生活补贴"),
    gettext_noop("重度残疾人护理补贴"),
)  # evidence keeps the names, the summary translates them

_EMPTY = pl.DataFrame()


def baoren_buhao(ctx: Context) -> pl.DataFrame:
    """A poverty-register household whose members are only partly covered by the 低保 of their household."""
    found = ctx.dataset(Kind.POVERTY)
    if found is None:
        return out(_EMPTY, key=pl.lit(""), summary=pl.lit(""), evidence=[])
    rows = found[1]
    sizes = rows.group_by("household_no").agg(
        pl.len().alias("register_members"), pl.col("name").alias("register_names")
    )
    linked = ctx.linked(Kind.POVERTY).select("household_no", "person_id", "household_id")
    dibao = ctx.coverage(DIBAO)
    covered_households = linked.join(dibao.select("person_id", "entitlement_id"), on="person_id")
    per_ent = dibao.group_by("entitlement_id").agg(pl.len().alias("covered_members"), pl.col("household_id").first())
    hits = (
        covered_households.select("household_no", "entitlement_id")
        .unique()
        .join(per_ent, on="entitlement_id")
        .join(sizes, on="household_no")
        .filter(pl.col("register_members") > pl.col("covered_members"))
    )
    covered_names = (
        dibao.join(ctx.persons.select("person_id", "name"), on="person_id")
        .group_by("entitlement_id")
        .agg(pl.col("name").alias("covered_names"))
    )
    hits = hits.join(covered_names, on="entitlement_id").with_columns(
        pl.col("register_names").list.set_difference("covered_names").alias("uncovered_names")
    )
    return out(
        hits,
        key=pl.concat_str(pl.col("household_id"), pl.col("household_no"), pl.col("register_members"), separator="|"),
        summary=fmt.msg(
            "防返贫监测户 %(number)s 有 %(members)s 人，低保只保障其中 %(covered)s 人",
            number=pl.col("household_no").cast(pl.String),
            members=pl.col("register_members").cast(pl.String),
            covered=pl.col("covered_members").cast(pl.String),
        ),
        evidence=["household_no", "register_members", "covered_members", "uncovered_names", "entitlement_id"],
    )


def wubao_as_dibao(ctx: Context) -> pl.DataFrame:
    """60+ alone in a one-person 低保 household, with no capable supporter, who has not chosen 低保 in writing."""
    age = int(number("matching.elderly_age", prefix=ctx.prefix, on=ctx.today))
    dibao = ctx.coverage(DIBAO)
    alone = (
        dibao.group_by("entitlement_id").agg(pl.len().alias("n"), pl.col("person_id").first()).filter(pl.col("n") == 1)
    )
    living = (
        ctx.persons.filter(pl.col("date_of_death").is_null() & ~pl.col("excluded"))
        .group_by("household_id")
        .agg(pl.len().alias("members"))
    )
    hits = (
        alone.join(ctx.persons, on="person_id")
        .join(living, on="household_id")
        .with_columns(age_expr(pl.col("birth_date"), ctx.today).alias("age"))
        .filter(
            (pl.col("members") == 1)
            & (pl.col("age") >= age)
            & (pl.col("supporter") != "capable")
            & ~pl.col("prefers_dibao")
            & pl.col("date_of_death").is_null()
        )
    )
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("entitlement_id"), separator="|"),
        summary=fmt.msg(
            "%(name)s（%(age)s 岁）单人户享受低保，无有能力的赡养人，应认定为特困人员",
            name=pl.col("name"),
            age=pl.col("age").cast(pl.String),
        ),
        evidence=["name", "age", "supporter", "entitlement_id"],
    )


def disability_without_subsidy(ctx: Context) -> pl.DataFrame:
    """A certificate holder missing 困难残疾人生活补贴 (in a 低保 household) or 重度残疾人护理补贴 (grade 1–2)."""
    linked = ctx.linked(Kind.DISABILITY)
    if linked.height == 0:
        return out(_EMPTY, key=pl.lit(""), summary=pl.lit(""), evidence=[])
    linked = linked.filter(pl.col("date_of_death").is_null())
    max_grade = int(number("matching.huli_max_grade", prefix=ctx.prefix, on=ctx.today))
    dibao_households = ctx.coverage(DIBAO).select("household_id").unique().with_columns(in_dibao=pl.lit(True))
    has = ctx.coverage(frozenset({"canji_shenghuo", "canji_huli"})).group_by("person_id").agg(pl.col("program"))
    hits = (
        linked.join(dibao_households, on="household_id", how="left")
        .join(has, on="person_id", how="left")
        .with_columns(pl.col("in_dibao").fill_null(False), pl.col("program").fill_null([]))
        .with_columns(
            pl.concat_list(
                pl.when(pl.col("in_dibao") & ~pl.col("program").list.contains("canji_shenghuo")).then(
                    pl.lit("困难残疾人生活补贴")
                ),
                pl.when((pl.col("grade") <= max_grade) & ~pl.col("program").list.contains("canji_huli")).then(
                    pl.lit("重度残疾人护理补贴")
                ),
            )
            .list.drop_nulls()
            .alias("missing")
        )
        .filter(pl.col("missing").list.len() > 0)
    )
    return out(
        hits,
        key=pl.concat_str(
            pl.col("person_id"), pl.col("cert_no").fill_null(""), pl.col("missing").list.join(","), separator="|"
        ),
        summary=fmt.msg(
            "%(name)s 持残疾人证（%(grade)s 级），未享受%(missing)s",
            name=pl.col("name"),
            grade=pl.col("grade").cast(pl.String),
            missing=fmt.names(pl.col("missing"), _MISSING),
        ),
        evidence=["row", "name", "cert_no", "disability_kind", "grade", "missing", "score", "method", "agreed"],
    )


def elderly_without_subsidy(ctx: Context) -> pl.DataFrame:
    """A 60+ member of a 低保 or 特困 household without 经济困难老年人补贴."""
    age = int(number("matching.elderly_age", prefix=ctx.prefix, on=ctx.today))
    members = ctx.coverage(DIBAO | TEKUN).select("person_id").unique()
    has = ctx.coverage(frozenset({"laonian_kunnan"})).select("person_id").unique()
    hits = (
        members.join(has, on="person_id", how="anti")
        .join(ctx.persons, on="person_id")
        .with_columns(age_expr(pl.col("birth_date"), ctx.today).alias("age"))
        .filter((pl.col("age") >= age) & pl.col("date_of_death").is_null())
    )
    return out(
        hits,
        key=pl.col("person_id").cast(pl.String),
        summary=fmt.msg(
            "%(name)s（%(age)s 岁）为低保或特困对象，未享受经济困难老年人补贴",
            name=pl.col("name"),
            age=pl.col("age").cast(pl.String),
        ),
        evidence=["name", "age", "birth_date"],
    )


RULES = (
    Rule(
        "baoren_buhao",
        gettext_noop("保人不保户"),
        gettext_noop("防返贫监测（建档立卡）户的人数多于其低保保障的人数：应核实未纳入的成员，整户纳入或说明理由。"),
        gettext_noop("关于进一步做好最低生活保障等社会救助兜底保障工作的通知（2022）；各地专项整治通报"),
        Level.MEDIUM,
        (Kind.POVERTY,),
        baoren_buhao,
        ("review",),
    ),
    Rule(
        "wubao_as_dibao",
        gettext_noop("该吃五保吃低保"),
        gettext_noop("60 周岁以上单人户享受低保，无有赡养能力的赡养人，也未书面选择低保：应按特困人员认定。"),
        gettext_noop("特困人员认定办法（2021）第六条、第十二条"),
        Level.MEDIUM,
        (),
        wubao_as_dibao,
        ("apply", "review"),
    ),
    Rule(
        "disability_without_subsidy",
        gettext_noop("残疾人未享受两项补贴"),
        gettext_noop("持残疾人证的低保家庭成员未享受困难残疾人生活补贴，或一、二级残疾人未享受重度残疾人护理补贴。"),
        gettext_noop("关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）"),
        Level.MEDIUM,
        (Kind.DISABILITY,),
        disability_without_subsidy,
        ("apply",),
    ),
    Rule(
        "elderly_without_subsidy",
        gettext_noop("老年低保对象未享受老年人补贴"),
        gettext_noop("60 周岁以上的低保、特困对象未享受经济困难老年人补贴（漏保）。"),
        gettext_noop("各地经济困难老年人补贴制度；关于加强低收入人口动态监测做好分层分类社会救助工作的意见（2023）"),
        Level.LOW,
        (),
        elderly_without_subsidy,
        ("apply",),
    ),
)
