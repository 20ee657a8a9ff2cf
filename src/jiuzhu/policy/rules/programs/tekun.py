"""特困人员救助供养 ([TK]): who is 特困, and what 集中供养 and 分散供养 pay.

A person is 特困 when they are in the group (60 or over, under 18, or disabled so as to be unable to
work), unable to work, with personal income below the 低保 standard, without a supporter able to
support them, and not provided for as an orphan. A 特困 person leaves the 低保 unit (programs/dibao.py)
unless they chose 低保. The amount is the basic living standard (a multiple of the 低保 standard, rounded
as 低保 is) plus the care tier of their self-care assessment (of six daily activities they cannot do).
"""

from __future__ import annotations

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.entry import Look, PersonRule, Pick, Program, Unit, gettext_noop
from jiuzhu.policy.rules.entry import Periodicity as Per
from jiuzhu.policy.rules.params import col
from jiuzhu.policy.rules.terms import IS_MENTAL, P, disability, rounded, share, std_text, who

_kind, _grade, _age = pl.col("disability_kind"), pl.col("disability_grade"), pl.col("age")

# [TK] art. 5–6: the disabilities that make a person unable to work.
DISABLED = (
    (IS_MENTAL & (_grade <= 3))
    | ((_kind == "physical") & (_grade <= 2))
    | ((_kind == "visual") & (_grade == 1))
    | ((_kind == "multiple") & (_grade <= 2))
).fill_null(False)
GROUP = (_age >= 60) | (_age < 18) | pl.col("tekun_disabled")
# [TK] art. 6: the elderly, children under 16 and those disabilities count as unable to work whatever
# the labour field says.
NO_LABOR = (pl.col("labor") == "none") | (_age >= 60) | (_age < 16) | pl.col("tekun_disabled")
ELIGIBLE = (
    pl.col("member")
    & pl.col("tekun_group")
    & pl.col("no_labor")
    & (pl.col("own") < pl.col("std"))
    & (pl.col("supporter") != "capable")
    & (pl.col("orphan") == "none")
)
PAID = pl.col("tekun") & ~pl.col("prefers_dibao")

CARE = ("tekun.care.self_sufficient", "tekun.care.partly_dependent", "tekun.care.fully_dependent")
# [TK] 生活自理能力: all six activities → self-sufficient; up to this many impossible → partly dependent;
# more → fully dependent.
PARTLY_MAX = "tekun.care.partly_max_impossible"
_adl = pl.col("adl_impossible")
KEYS = ("tekun.basic_ratio", *CARE, PARTLY_MAX)


def _prepare(pick: Pick, look: Look) -> list[dict[str, pl.Expr]]:
    tier = pl.when(_adl == 0).then(0).when(_adl <= look(col(PARTLY_MAX))).then(1).otherwise(2)
    return [
        {"care_tier": tier},
        {"tekun_basic": look("tekun_basic"), "care": pick(CARE, pl.col("care_tier"))},
        {"tekun_amount": pl.when("tekun_paid").then(pl.col("tekun_basic") + pl.col("care")).otherwise(0)},
    ]


_CONTEXT = (
    {"tekun_basic_raw": share(pl.col("std"), P("tekun.basic_ratio"))},
    {"tekun_basic": rounded(pl.col("tekun_basic_raw"), pl.col("rmode"))},
)


def _line() -> pl.Expr:
    """Every candidate's line, granted or not: the reasons a caseworker is asked for."""
    y, std, m, c = fmt.yuan, pl.col("std"), fmt.msg, fmt.const
    category = fmt.choose([(_age >= 60, pl.lit(c("年满60周岁"))), (_age < 18, pl.lit(c("未满18周岁")))], disability())
    supporter = fmt.choose(
        [(pl.col("supporter") == "none", pl.lit(c("无法定赡养抚养扶养义务人")))],
        pl.lit(c("法定义务人无赡养抚养扶养能力")),
    )
    tier = fmt.choose(
        [(pl.col("care_tier") == 0, pl.lit(c("生活自理"))), (pl.col("care_tier") == 1, pl.lit(c("部分失能")))],
        pl.lit(c("完全失能")),
    )
    ratio = fmt.multiple(P("tekun.basic_ratio"))
    basic = fmt.choose(
        [
            (
                pl.col("tekun_basic") != pl.col("tekun_basic_raw"),
                m(
                    "基本生活费 %(ratio)s 倍标准 %(raw)s 元，按规定取整为 %(amount)s 元",
                    ratio=ratio,
                    raw=y(pl.col("tekun_basic_raw")),
                    amount=y(pl.col("tekun_basic")),
                ),
            )
        ],
        m("基本生活费 %(ratio)s 倍标准 %(raw)s 元", ratio=ratio, raw=y(pl.col("tekun_basic_raw"))),
    )
    outcome = fmt.choose(
        [
            (
                pl.col("tekun_paid"),
                m(
                    "%(basic)s；%(tier)s照料护理费 %(care)s 元；合计 %(total)s 元（%(mode)s）",
                    basic=basic,
                    tier=tier,
                    care=y(pl.col("care")),
                    total=y(pl.col("tekun_amount")),
                    mode=fmt.choose([(pl.col("institution"), pl.lit(c("集中供养")))], pl.lit(c("分散供养"))),
                ),
            )
        ],
        pl.lit(c("本人自愿选择低保，按低保家庭成员计算")),
    )
    granted = m(
        "%(name)s：%(category)s，无劳动能力，%(supporter)s，个人月收入 %(income)s 元 < %(standard)s，"
        "符合特困人员认定条件；%(outcome)s",
        name=who(), category=category, supporter=supporter, income=y(pl.col("own")), standard=std_text(),
        outcome=outcome,
    )  # fmt: skip
    refused = m(
        "%(name)s：%(category)s，不符合特困人员认定条件：%(reasons)s", name=who(), category=category,
        reasons=fmt.join(
            fmt.clause(~pl.col("no_labor"), pl.lit(c("有劳动能力"))),
            fmt.clause(pl.col("own") >= std, m("个人月收入 %(income)s 元 ≥ %(standard)s", income=y(pl.col("own")),
                                               standard=std_text())),
            fmt.clause(pl.col("supporter") == "capable", pl.lit(c("有具备能力的赡养抚养扶养人"))),
            fmt.clause(pl.col("orphan") != "none", pl.lit(c("按孤儿、事实无人抚养儿童保障"))),
            separator="、",
        ),
    )  # fmt: skip
    return fmt.choose([(pl.col("tekun"), granted)], refused)


LINE = _line()
CANDIDATE = pl.col("member") & pl.col("tekun_group")
_READS = (col("tekun.basic_ratio"), "tekun_basic_raw")
_DOCUMENTS = (("self_care", gettext_noop("生活自理能力评估表")), ("support", gettext_noop("赡养抚养扶养情况说明")))

CENTRAL = Program(
    "tekun_central", gettext_noop("特困人员救助供养（集中供养）"), Unit.PERSON, Per.MONTHLY,
    excludes=("tekun_dispersed", "dibao_urban", "dibao_rural", "ertong"),
    keys=KEYS,
    documents=_DOCUMENTS,
    person=PersonRule(
        tiers=CARE, tier=pl.when(pl.col("tekun_paid") & pl.col("institution")).then(pl.col("care_tier")), line=LINE,
        amount=pl.when(pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
        context=_CONTEXT, prepare=_prepare, about=CANDIDATE, listed=pl.col("institution") | ~pl.col("tekun_paid"),
        reads=_READS,
    ),
)  # fmt: skip

DISPERSED = Program(
    "tekun_dispersed", gettext_noop("特困人员救助供养（分散供养）"), Unit.PERSON, Per.MONTHLY,
    excludes=("tekun_central", "dibao_urban", "dibao_rural", "ertong"),
    keys=KEYS,
    documents=_DOCUMENTS,
    person=PersonRule(
        tiers=CARE, tier=pl.when(pl.col("tekun_paid") & ~pl.col("institution")).then(pl.col("care_tier")), line=LINE,
        amount=pl.when(~pl.col("institution")).then(pl.col("tekun_amount")).otherwise(0),
        context=_CONTEXT, prepare=_prepare, about=CANDIDATE, listed=~(pl.col("institution") & pl.col("tekun_paid")),
        reads=_READS,
    ),
)  # fmt: skip
