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

from jiuzhu.policy.rules.params import resolve

Params = Mapping[str, int | str]


@dataclass(frozen=True)
class Award:
    amount: int  # fen
    explain: list[str] = field(default_factory=list)
    eligible: bool = True
    needs_county_approval: bool = False


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
        return Award(0, ["家庭无共同生活成员，不能核定临时救助"], eligible=False)
    std = standard(p, urban=urban)
    cap = _share(std * members, int(p["linshi.cap_months"]))
    amount = max(min(need, cap), 0)
    lines = [
        f"核定困难需求 {yuan(max(need, 0))} 元；上限 {_bp(int(p['linshi.cap_months']), 10_000)} 个月 × "
        f"{'城市' if urban else '农村'}低保标准 {yuan(std)} 元 × {members} 人 = {yuan(cap)} 元",
        f"建议救助金额 {yuan(amount)} 元",
    ]
    over = need > cap
    if over:
        lines.append(f"需求超过上限 {yuan(need - cap)} 元，超出部分须报县级审批")
    return Award(amount=amount, explain=lines, eligible=amount > 0, needs_county_approval=over)


YiliaoCategory = Literal["tekun", "dibao", "edge", "none"]
_YILIAO_NAMES = {"tekun": "特困人员", "dibao": "低保对象", "edge": "低保边缘人员"}


def yiliao_bill(
    p: Params, *, category: YiliaoCategory, self_paid: int, deductible_met: int = 0, paid_this_year: int = 0
) -> Award:
    """医疗救助 for one bill: (in-scope self-paid after insurance − what is left of the deductible) × the
    category's ratio, limited by what is left of the annual cap ([YL2021])."""
    if category == "none":
        return Award(0, ["非医疗救助对象，不予救助"], eligible=False)
    ratio = int(p[f"yiliao.ratio.{category}"])
    deductible_left = max(int(p["yiliao.deductible"]) - deductible_met, 0)
    base = max(self_paid - deductible_left, 0)
    computed = _share(base, ratio)
    cap_left = max(int(p["yiliao.annual_cap"]) - paid_this_year, 0)
    amount = min(computed, cap_left)
    lines = [
        f"{_YILIAO_NAMES[category]}：政策范围内个人自付 {yuan(self_paid)} 元 − 起付线余额 {yuan(deductible_left)} 元 = "
        f"{yuan(base)} 元；× 救助比例 {_bp(ratio * 100, 10_000)}% = {yuan(computed)} 元",
    ]
    if amount < computed:
        lines.append(f"年度限额 {yuan(int(p['yiliao.annual_cap']))} 元，本年已救助 {yuan(paid_this_year)} 元，"
                     f"本次按剩余额度 {yuan(amount)} 元救助")  # fmt: skip
    return Award(amount, lines, eligible=amount > 0)


def jiage_butie(p: Params, *, urban: bool, persons: int, cpi: int, food_cpi: int) -> Award:
    """价格临时补贴 for one month ([JG2016]): triggered when CPI or food CPI year-on-year (basis points of
    the whole: 350 = 3.5 %) reaches its trigger; per person, the standard × the rise that triggered."""
    trig, food_trig = int(p["jiage.cpi_trigger"]), int(p["jiage.food_cpi_trigger"])
    rises = [r for r, t in ((cpi, trig), (food_cpi, food_trig)) if r >= t]
    if rises and persons <= 0:
        return Award(0, [f"已启动联动机制（涨幅 {_bp(max(rises), 100)}%），但本户无享受对象，不发放"], eligible=False)
    if not rises:
        return Award(0, [f"CPI 同比 {_bp(cpi, 100)}% < {_bp(trig, 100)}%，食品 CPI 同比 {_bp(food_cpi, 100)}% < "
                         f"{_bp(food_trig, 100)}%，未启动联动机制"], eligible=False)  # fmt: skip
    rise = max(rises)
    std = standard(p, urban=urban)
    each = (std * rise + 5_000) // 10_000
    return Award(each * persons, [
        f"已启动联动机制：涨幅 {_bp(rise, 100)}%；每人 {'城市' if urban else '农村'}低保标准 {yuan(std)} 元 × "
        f"{_bp(rise, 100)}% = {yuan(each)} 元 × {persons} 人 = {yuan(each * persons)} 元",
    ])  # fmt: skip


def weiwen(p: Params, *, dibao_urban: int = 0, dibao_rural: int = 0, tekun: int = 0) -> Award:
    """春节一次性慰问金 for the persons of a household by programme."""
    parts = [
        (n, int(p[f"weiwen.{k}"]), name)
        for n, k, name in ((dibao_urban, "dibao_urban", "城市低保"), (dibao_rural, "dibao_rural", "农村低保"),
                           (tekun, "tekun", "特困"))
        if n > 0
    ]  # fmt: skip
    if not parts:
        return Award(0, ["无低保、特困对象，不发放春节慰问金"], eligible=False)
    total = sum(n * each for n, each, _ in parts)
    lines = [f"{name} {n} 人 × {yuan(each)} 元 = {yuan(n * each)} 元" for n, each, name in parts]
    lines.append(f"合计 {yuan(total)} 元")
    return Award(total, lines)


__all__ = ["Award", "jiage_butie", "linshi_suggest", "params_for", "weiwen", "yiliao_bill"]
