"""The programmes decided one case at a time (临时救助, 医疗救助, 春节慰问金, 价格临时补贴): their rules
are the functions of policy/rules/events.py; here is what the rest of the project needs to know of them."""

from __future__ import annotations

from jiuzhu.policy.rules.entry import Periodicity, Program, Unit, gettext_noop

LINSHI = Program(
    "linshi", gettext_noop("临时救助"), Unit.HOUSEHOLD, Periodicity.ONE_OFF,
    keys=("linshi.cap_months",),
    documents=(("hardship", gettext_noop("困难情况证明（医疗票据、事故证明等）")),),
)  # fmt: skip
YILIAO = Program(
    "yiliao", gettext_noop("医疗救助"), Unit.PERSON, Periodicity.PER_BILL,
    keys=("yiliao.ratio.tekun", "yiliao.ratio.dibao", "yiliao.ratio.edge", "yiliao.deductible", "yiliao.annual_cap"),
    documents=(("bills", gettext_noop("医疗费用票据及医保结算单")),),
)  # fmt: skip
WEIWEN = Program(
    "weiwen", gettext_noop("春节一次性慰问金"), Unit.PERSON, Periodicity.ONE_OFF,
    keys=("weiwen.dibao_urban", "weiwen.dibao_rural", "weiwen.tekun"),
)  # fmt: skip
JIAGE = Program(
    "jiage_butie", gettext_noop("价格临时补贴"), Unit.PERSON, Periodicity.TRIGGERED,
    keys=("jiage.cpi_trigger", "jiage.food_cpi_trigger"),
)  # fmt: skip
