"""高龄津贴 and 经济困难老年人补贴.

高龄津贴: a living member of 80 or over, by age band (80–89, 90–99, 100 and over).
经济困难老年人补贴: a living member of 60 or over covered by 低保 or paid as 特困, one amount.
"""

from __future__ import annotations

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.entry import Periodicity as Per
from jiuzhu.policy.rules.entry import PersonRule, Program, Unit, gettext_noop, paid
from jiuzhu.policy.rules.terms import who

_member, _age = pl.col("member"), pl.col("age")

_GAOLING_TIERS = ("gaoling.age80", "gaoling.age90", "gaoling.age100")
GAOLING = Program(
    "gaoling", gettext_noop("高龄津贴"), Unit.PERSON, Per.MONTHLY,
    keys=_GAOLING_TIERS,
    person=PersonRule(
        tiers=_GAOLING_TIERS,
        tier=pl.when(~_member).then(None).when(_age >= 100).then(2).when(_age >= 90).then(1).when(_age >= 80).then(0),
        line=fmt.msg("%(name)s：%(age)s 周岁，高龄津贴 %(amount)s 元", name=who(), age=_age.cast(pl.String),
                     amount=fmt.yuan(paid("gaoling"))),
    ),
)  # fmt: skip

_role = fmt.choose([(pl.col("tekun_paid"), pl.lit(fmt.const("特困人员")))], pl.lit(fmt.const("低保对象")))
LAONIAN = Program(
    "laonian_kunnan", gettext_noop("经济困难老年人补贴"), Unit.PERSON, Per.MONTHLY,
    keys=("laonian.amount",),
    person=PersonRule(
        tiers=("laonian.amount",),
        tier=pl.when(_member & (_age >= 60) & (pl.col("dibao_covered") | pl.col("tekun_paid"))).then(0),
        line=fmt.msg("%(name)s：%(age)s 周岁，%(role)s，经济困难老年人补贴 %(amount)s 元", name=who(),
                     age=_age.cast(pl.String), role=_role, amount=fmt.yuan(paid("laonian_kunnan"))),
    ),
)  # fmt: skip
