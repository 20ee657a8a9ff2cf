"""困难残疾人生活补贴 and 重度残疾人护理补贴 ([CJ2015]).

生活补贴: a disabled person (with a certified kind and grade) covered by 低保, one amount.
护理补贴: a living member with a grade 1 or 2 disability, or grade 3 intellectual or mental (the region
may set that tier to 0 where it is not covered), by grade.
"""

from __future__ import annotations

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.entry import Periodicity as Per
from jiuzhu.policy.rules.entry import PersonRule, Program, Unit, gettext_noop, paid
from jiuzhu.policy.rules.terms import MENTAL, disability, who

_member, _grade = pl.col("member"), pl.col("disability_grade")
_DOCUMENTS = (("disability_cert", gettext_noop("残疾人证")),)

SHENGHUO = Program(
    "canji_shenghuo", gettext_noop("困难残疾人生活补贴"), Unit.PERSON, Per.MONTHLY,
    keys=("canji.shenghuo",),
    documents=_DOCUMENTS,
    person=PersonRule(
        tiers=("canji.shenghuo",),
        tier=pl.when(pl.col("dibao_covered") & pl.col("disabled")).then(0),
        line=fmt.msg("%(name)s：%(disability)s，低保家庭成员，困难残疾人生活补贴 %(amount)s 元", name=who(),
                     disability=disability(), amount=fmt.yuan(paid("canji_shenghuo"))),
    ),
)  # fmt: skip

_HULI_TIERS = ("canji.huli.grade1", "canji.huli.grade2", "canji.huli.grade3_mental")
HULI = Program(
    "canji_huli", gettext_noop("重度残疾人护理补贴"), Unit.PERSON, Per.MONTHLY,
    keys=_HULI_TIERS,
    documents=_DOCUMENTS,
    person=PersonRule(
        tiers=_HULI_TIERS,
        tier=pl.when(_member & (_grade == 1)).then(0)
        .when(_member & (_grade == 2)).then(1)
        .when(_member & (_grade == 3) & pl.col("disability_kind").is_in(MENTAL)).then(2),
        line=fmt.msg("%(name)s：%(disability)s，重度残疾人护理补贴 %(amount)s 元", name=who(), disability=disability(),
                     amount=fmt.yuan(paid("canji_huli"))),
    ),
)  # fmt: skip
