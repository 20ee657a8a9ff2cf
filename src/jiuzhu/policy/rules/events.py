"""One-off and per-event rules: 临时救助, 医疗救助 per bill, 价格临时补贴, 春节慰问金.

These happen one case at a time, at the caseworker's desk, so they are plain functions over integers in
the engine's units (fen, basis points) taking the parameters resolved for one region and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from jiuzhu.core.messages import msg, plain
from jiuzhu.policy.rules.i18n import gettext_noop
from jiuzhu.policy.rules.params import resolve

Params = Mapping[str, int | str]


@dataclass(frozen=True)
class Award:
    amount: int  # fen
    lines: list[str] = field(default_factory=list)  # marked messages (core/messages.py)
    eligible: bool = True
    needs_county_approval: bool = False

    @property
    def explain(self) -> list[str]:
        """The lines as Chinese text."""
        return [plain(line) for line in self.lines]


def yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def _bp(bp: int, per: int) -> str:
    whole, frac = divmod(bp, per)
    if not frac:
        return str(whole)
    return f"{whole}.{str(frac).zfill(len(str(per)) - 1).rstrip('0')}"


def _share(amount: int, bp: int) -> int:
    return (amount * bp + 5_000) // 10_000


def params_for(params: pl.DataFrame, *, region: str = "", date: dt.date) -> dict[str, int | str]:
    """Every key's value for one region on one date, in engine units."""
    one = pl.DataFrame({"region": [region], "date": [date]}, schema={"region": pl.String, "date": pl.Date})
    resolved = resolve(one, params)
    row = resolved.row(0, named=True)
    return {name[2:]: value for name, value in row.items() if name.startswith("p:")}


def standard(p: Params, *, urban: bool) -> int:
    return int(p["dibao.standard.urban" if urban else "dibao.standard.rural"])


def linshi_suggest(p: Params, *, urban: bool, members: int, need: int) -> Award:
    """临时救助 suggested amount: the assessed need, capped at cap_months × standard per person; anything
    above the cap is for the county to decide ([LS2018]), so the flag is raised instead of paying it."""
    if members <= 0:
        return Award(0, [msg("家庭无共同生活成员，不能核定临时救助")], eligible=False)
    std = standard(p, urban=urban)
    cap = _share(std * members, int(p["linshi.cap_months"]))
    amount = max(min(need, cap), 0)
    lines = [
        msg("核定困难需求 %(need)s 元；上限 %(months)s 个月 × %(standard)s × %(n)s 人 = %(cap)s 元",
            need=yuan(max(need, 0)), months=_bp(int(p["linshi.cap_months"]), 10_000),
            standard=_standard_text(urban, std), n=str(members), cap=yuan(cap)),
        msg("建议救助金额 %(amount)s 元", amount=yuan(amount)),
    ]  # fmt: skip
    over = need > cap
    if over:
        lines.append(msg("需求超过上限 %(amount)s 元，超出部分须报县级审批", amount=yuan(need - cap)))
    return Award(amount=amount, lines=lines, eligible=amount > 0, needs_county_approval=over)


YiliaoCategory = Literal["tekun", "dibao", "edge", "none"]
_YILIAO_NAMES = {
    "tekun": gettext_noop("特困人员"),
    "dibao": gettext_noop("低保对象"),
    "edge": gettext_noop("低保边缘人员"),
}


def _standard_text(urban: bool, std: int) -> str:
    """ "城市低保标准 528 元", as the monthly lines say it (terms.std_text)."""
    return msg("城市低保标准 %(amount)s 元" if urban else "农村低保标准 %(amount)s 元", amount=yuan(std))


def yiliao_bill(
    p: Params, *, category: YiliaoCategory, self_paid: int, deductible_met: int = 0, paid_this_year: int = 0
) -> Award:
    """医疗救助 for one bill: (in-scope self-paid after insurance − what is left of the deductible) × the
    category's ratio, limited by what is left of the annual cap ([YL2021])."""
    if category == "none":
        return Award(0, [msg("非医疗救助对象，不予救助")], eligible=False)
    ratio = int(p[f"yiliao.ratio.{category}"])
    deductible_left = max(int(p["yiliao.deductible"]) - deductible_met, 0)
    base = max(self_paid - deductible_left, 0)
    computed = _share(base, ratio)
    cap_left = max(int(p["yiliao.annual_cap"]) - paid_this_year, 0)
    amount = min(computed, cap_left)
    lines = [
        msg("%(category)s：政策范围内个人自付 %(paid)s 元 − 起付线余额 %(deductible)s 元 = %(base)s 元；"
            "× 救助比例 %(ratio)s%% = %(amount)s 元", category=msg(_YILIAO_NAMES[category]), paid=yuan(self_paid),
            deductible=yuan(deductible_left), base=yuan(base), ratio=_bp(ratio * 100, 10_000),
            amount=yuan(computed)),
    ]  # fmt: skip
    if amount < computed:
        lines.append(msg("年度限额 %(cap)s 元，本年已救助 %(paid)s 元，本次按剩余额度 %(amount)s 元救助",
                         cap=yuan(int(p["yiliao.annual_cap"])), paid=yuan(paid_this_year),
                         amount=yuan(amount)))  # fmt: skip
    return Award(amount, lines, eligible=amount > 0)


def jiage_butie(p: Params, *, urban: bool, persons: int, cpi: int, food_cpi: int) -> Award:
    """价格临时补贴 for one month ([JG2016]): triggered when CPI or food CPI year-on-year (basis points of
    the whole: 350 = 3.5 %) reaches its trigger; per person, the standard × the rise that triggered."""
    trig, food_trig = int(p["jiage.cpi_trigger"]), int(p["jiage.food_cpi_trigger"])
    rises = [r for r, t in ((cpi, trig), (food_cpi, food_trig)) if r >= t]
    if rises and persons <= 0:
        return Award(0, [msg("已启动联动机制（涨幅 %(rise)s%%），但本户无享受对象，不发放", rise=_bp(max(rises), 100))],
                     eligible=False)  # fmt: skip
    if not rises:
        return Award(0, [msg("CPI 同比 %(cpi)s%% < %(trigger)s%%，食品 CPI 同比 %(food)s%% < %(food_trigger)s%%，"
                             "未启动联动机制", cpi=_bp(cpi, 100), trigger=_bp(trig, 100), food=_bp(food_cpi, 100),
                             food_trigger=_bp(food_trig, 100))], eligible=False)  # fmt: skip
    rise = max(rises)
    std = standard(p, urban=urban)
    each = (std * rise + 5_000) // 10_000
    return Award(each * persons, [
        msg("已启动联动机制：涨幅 %(rise)s%%；每人 %(standard)s × %(rise)s%% = %(each)s 元 × %(n)s 人 = %(total)s 元",
            rise=_bp(rise, 100), standard=_standard_text(urban, std), each=yuan(each), n=str(persons),
            total=yuan(each * persons)),
    ])  # fmt: skip


def weiwen(p: Params, *, dibao_urban: int = 0, dibao_rural: int = 0, tekun: int = 0) -> Award:
    """春节一次性慰问金 for the persons of a household by programme."""
    parts = [
        (n, int(p[f"weiwen.{k}"]), name)
        for n, k, name in ((dibao_urban, "dibao_urban", gettext_noop("城市低保")),
                           (dibao_rural, "dibao_rural", gettext_noop("农村低保")),
                           (tekun, "tekun", gettext_noop("特困")))
        if n > 0
    ]  # fmt: skip
    if not parts:
        return Award(0, [msg("无低保、特困对象，不发放春节慰问金")], eligible=False)
    total = sum(n * each for n, each, _ in parts)
    lines = [msg("%(category)s %(n)s 人 × %(each)s 元 = %(amount)s 元", category=msg(name), n=str(n), each=yuan(each),
                 amount=yuan(n * each)) for n, each, name in parts]  # fmt: skip
    lines.append(msg("合计 %(amount)s 元", amount=yuan(total)))
    return Award(total, lines)


__all__ = ["Award", "jiage_butie", "linshi_suggest", "params_for", "weiwen", "yiliao_bill"]
