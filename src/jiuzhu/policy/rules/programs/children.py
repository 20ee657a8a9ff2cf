"""孤儿、事实无人抚养儿童基本生活费: a living member under 18 who is an orphan (raised in an institution
or dispersed in the community) or a child in fact without anyone to raise them, by those three tiers."""

from __future__ import annotations

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.entry import Periodicity as Per
from jiuzhu.policy.rules.entry import PersonRule, Program, Unit, gettext_noop, paid
from jiuzhu.policy.rules.terms import who

_orphan, _institution = pl.col("orphan"), pl.col("institution")
_TIERS = ("ertong.orphan_institution", "ertong.orphan_dispersed", "ertong.defacto")
_kind = fmt.choose([(_orphan == "orphan", pl.lit(fmt.const("孤儿")))], pl.lit(fmt.const("事实无人抚养儿童")))
_raised = fmt.choose([(_institution, pl.lit(fmt.const("机构养育")))], pl.lit(fmt.const("社会散居")))

ERTONG = Program(
    "ertong", gettext_noop("孤儿、事实无人抚养儿童基本生活费"), Unit.PERSON, Per.MONTHLY,
    excludes=("tekun_central", "tekun_dispersed"),
    keys=_TIERS,
    documents=(("guardian", gettext_noop("监护情况证明")), ("parents", gettext_noop("父母死亡、失踪等证明"))),
    person=PersonRule(
        tiers=_TIERS,
        tier=pl.when(~pl.col("member") | (pl.col("age") >= 18)).then(None)
        .when(_orphan == "orphan").then(pl.when(_institution).then(0).otherwise(1))
        .when(_orphan == "defacto").then(2),
        line=fmt.msg("%(name)s：%(kind)s，%(raised)s，基本生活费 %(amount)s 元", name=who(), kind=_kind, raised=_raised,
                     amount=fmt.yuan(paid("ertong"))),
    ),
)  # fmt: skip
