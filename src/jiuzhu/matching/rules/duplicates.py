"""One person counted twice: two programmes that exclude each other, two counties, two registrations, and
ID numbers that cannot be right."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_noop

from jiuzhu.core.idcard import parse_id_numbers
from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.rules.base import DIBAO, TEKUN, Level, Rule, out, program_name
from jiuzhu.matching.rules.context import Context
from jiuzhu.policy.rules import fmt

# Kept as they are in the evidence (and the finding's key); the summary translates them.
_PROBLEMS = (gettext_noop("校验不通过"), gettext_noop("出生日期与登记不符"), gettext_noop("性别与登记不符"))

# Programmes one person cannot hold at once ([TK]: 低保 and 特困; urban and rural 低保).
EXCLUSIVE = ((DIBAO, TEKUN), (frozenset({"dibao_urban"}), frozenset({"dibao_rural"})))
_EMPTY = pl.DataFrame()


def exclusive_programs(ctx: Context) -> pl.DataFrame:
    cover = ctx.coverage()
    pairs = []
    for left, right in EXCLUSIVE:
        a = cover.filter(pl.col("program").is_in(list(left)))
        b = cover.filter(pl.col("program").is_in(list(right))).select(
            "person_id", pl.col("entitlement_id").alias("other_id"), pl.col("program").alias("other_program")
        )
        pairs.append(a.join(b, on="person_id"))
    hits = pl.concat(pairs).join(ctx.persons.select("person_id", "name"), on="person_id")
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("entitlement_id"), pl.col("other_id"), separator="|"),
        summary=fmt.msg(
            "%(name)s 同时享受%(program)s和%(other)s",
            name=pl.col("name"),
            program=program_name(pl.col("program")),
            other=program_name(pl.col("other_program")),
        ),
        evidence=["name", "entitlement_id", "program", "other_id", "other_program"],
    )


def enrolled_elsewhere(ctx: Context) -> pl.DataFrame:
    linked = ctx.linked(Kind.OTHER_ROLLS)
    if linked.height == 0:
        return out(_EMPTY, key=pl.lit(""), summary=pl.lit(""), evidence=[])
    ours = ctx.coverage().group_by("person_id").agg(pl.col("program").alias("our_programs"))
    hits = linked.join(ours, on="person_id")
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("roll_region"), pl.col("program"), separator="|"),
        summary=fmt.msg(
            "%(name)s 在本县享受救助，同时在 %(region)s 享受%(program)s",
            name=pl.col("name"),
            region=pl.col("roll_region").cast(pl.String),
            program=pl.col("program").cast(pl.String),
        ),
        evidence=["row", "name", "roll_region", "program", "start_month", "our_programs", "score", "method", "agreed"],
    )


def invalid_id(ctx: Context) -> pl.DataFrame:
    """ID numbers in the registry that fail their check, or disagree with the recorded birth date or sex."""
    ids = ctx.id_numbers()
    parsed = parse_id_numbers(ids["id_number"])  # a birth date in the future is judged by the real today
    frame = pl.concat(
        [
            ctx.persons.select("person_id", "household_id", "name", "birth_date", "sex"),
            ids.drop("person_id"),
            parsed.select("valid", pl.col("sex").alias("id_sex"), pl.col("birth_date").alias("id_birth")),
        ],
        how="horizontal",
    )
    frame = frame.with_columns(
        pl.when(~pl.col("valid"))
        .then(pl.lit(_PROBLEMS[0]))
        .when(pl.col("id_birth") != pl.col("birth_date"))
        .then(pl.lit(_PROBLEMS[1]))
        .when(pl.col("id_sex") != pl.col("sex"))
        .then(pl.lit(_PROBLEMS[2]))
        .alias("problem")
    ).filter(pl.col("problem").is_not_null())
    hits = frame.with_columns(
        (pl.col("id_number").str.slice(0, 6) + "********" + pl.col("id_number").str.slice(-4)).alias("id_masked")
    )
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("id_masked"), pl.col("problem"), separator="|"),
        summary=fmt.msg(
            "%(name)s 的身份证号 %(id)s：%(problem)s",
            name=pl.col("name"),
            id=pl.col("id_masked"),
            problem=fmt.named(pl.col("problem"), _PROBLEMS),
        ),
        evidence=["name", "id_masked", "problem", "birth_date", "sex"],
    )


def duplicate_person(ctx: Context) -> pl.DataFrame:
    """The same name, birth date and sex in two households: one person registered twice under two numbers."""
    alive = ctx.persons.filter(pl.col("date_of_death").is_null()).join(
        ctx.households.select("household_id", "number"), on="household_id"
    )
    groups = (
        alive.group_by("name", "birth_date", "sex")
        .agg(pl.col("person_id"), pl.col("number").alias("households"), pl.col("household_id").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
    )
    hits = groups.explode("person_id").join(alive.select("person_id", "household_id", "number"), on="person_id")
    return out(
        hits,
        key=pl.concat_str(pl.col("person_id"), pl.col("households").list.sort().list.join(","), separator="|"),
        summary=fmt.msg(
            "%(name)s（%(birth)s）同时登记在户 %(households)s",
            name=pl.col("name"),
            birth=pl.col("birth_date").cast(pl.String),
            households=pl.col("households").list.join(fmt.const("、")),
        ),
        evidence=["name", "birth_date", "sex", "households"],
    )


RULES = (
    Rule(
        "exclusive_programs",
        gettext_noop("重复享受互斥项目"),
        gettext_noop("同一人同时享受相互排斥的救助项目（如低保与特困供养、城市低保与农村低保）。"),
        gettext_noop("特困人员认定办法（2021）；《社会救助暂行办法》第二章"),
        Level.HIGH,
        (),
        exclusive_programs,
        ("stop", "review"),
    ),
    Rule(
        "enrolled_elsewhere",
        gettext_noop("异地重复享受"),
        gettext_noop("本县救助对象同时出现在外县（区）的救助对象名册中。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第六条：在户籍所在地申请"),
        Level.HIGH,
        (Kind.OTHER_ROLLS,),
        enrolled_elsewhere,
        ("stop", "review"),
    ),
    Rule(
        "invalid_id",
        gettext_noop("身份证号码有误"),
        gettext_noop("户籍登记的身份证号码校验不通过，或与登记的出生日期、性别不一致。"),
        gettext_noop("GB 11643-1999 公民身份号码"),
        Level.LOW,
        (),
        invalid_id,
        ("correct",),
    ),
    Rule(
        "duplicate_person",
        gettext_noop("疑似重复登记"),
        gettext_noop("姓名、出生日期、性别相同的人登记在两个家庭中（身份证号不同），可能一人两户重复享受。"),
        gettext_noop("最低生活保障审核确认办法（民发〔2021〕57号）第三十三条"),
        Level.MEDIUM,
        (),
        duplicate_person,
        ("correct", "review"),
    ),
)
