"""Time limits of the procedure, as parameters with their source.

Until the policy app's parameter table carries these keys, the shipped defaults live here and are read
through `case_parameter` only, so switching to `policy`'s dated regional values is a one-function change.
Article numbers follow 民发〔2021〕57号 ([57]) as cited in POLICY.md "Procedure and deadlines".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.workdays import add_workdays


@dataclass(frozen=True)
class CaseParameter:
    value: int | Decimal
    label: str
    source: str


DEFAULTS: dict[str, CaseParameter] = {
    "case.days.accept": CaseParameter(3, "受理（材料齐全）", "演示县：申请材料齐全的，3 个工作日内受理"),
    "case.days.investigation_start": CaseParameter(3, "启动入户调查", "[57] 第十五条：受理之日起 3 个工作日内启动调查"),
    "case.days.check_start": CaseParameter(3, "启动经济状况核对", "[57] 第十七条：3 个工作日内启动核对"),
    "case.days.notice": CaseParameter(7, "公示期（自然日）", "[57] 第二十一条：公示期为 7 天"),
    "case.days.county": CaseParameter(10, "县级审核确认", "[57] 第二十二条：收到材料之日起 10 个工作日内"),
    "case.days.refusal_notice": CaseParameter(3, "不予确认书面告知", "[57] 第二十三条：3 个工作日内书面告知并说明理由"),
    "case.days.overall": CaseParameter(30, "全流程", "[57] 第二十四条：自受理之日起 30 个工作日内完成"),
    "case.days.overall_delegated": CaseParameter(
        20, "全流程（委托乡镇确认）", "[57] 第二十四条：委托乡镇审核确认的 20 个工作日"
    ),
    "case.days.overall_extended": CaseParameter(
        45, "全流程（有异议、人户分离等）", "[57] 第二十四条：特殊情况可延长至 45 个工作日"
    ),
    "case.days.tekun_township": CaseParameter(15, "特困乡镇审核", "[TK]：乡镇自受理之日起 15 个工作日内提出审核意见"),
    "case.days.linshi_paperwork": CaseParameter(
        5, "急难型先行救助补办手续", "[LS2018]：先行救助后 5 个工作日内补齐审批手续"
    ),
    "case.money.linshi_township_cap": CaseParameter(
        Decimal("2000"), "乡镇急难型临时救助审批额度（元）", "[LS2018]：县级可委托乡镇在额度内审批；演示县 2000 元"
    ),
    "review.months.stable": CaseParameter(12, "定期复核间隔（收入稳定）", "[57] 第二十九条：每年核查一次"),
    "review.months.irregular": CaseParameter(
        6, "定期复核间隔（收入不稳定且有劳动能力）", "[57] 第二十九条：每半年核查一次"
    ),
    "review.months.death": CaseParameter(3, "成员死亡后复核", "[57] 第三十条：家庭成员死亡的，3 个月内复核"),
    "review.months.gradual_exit_max": CaseParameter(6, "渐退期上限（月）", "[T2022]：渐退期最长 6 个月"),
}


def case_parameter(key: str, *, region_code: str = "", on: dt.date | None = None) -> int | Decimal:
    """The value of one procedure parameter for a region on a date. Region and date are accepted now so
    callers need not change when the values move into policy's dated regional table."""
    return DEFAULTS[key].value


def days(key: str, *, region_code: str = "", on: dt.date | None = None) -> int:
    return int(case_parameter(key, region_code=region_code, on=on))


def due_after(start: dt.date, key: str, *, region_code: str = "") -> dt.date:
    """`start` plus the parameter's number of working days."""
    return add_workdays(start, days(key, region_code=region_code, on=start))
