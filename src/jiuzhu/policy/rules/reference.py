"""The 低保 rule in plain Python, one household at a time: the executable reference the engine is
checked against (policy/tests/test_reference.py) and the benchmark's plain-Python contender.

Written to be read by a policy officer beside the policy text, not to be fast. Everything is integer
fen; ratios and percents are basis points (1.5 → 15000, 20 % → 2000), as params.py turns them. A
household is a dict of the engine's household columns (frames.py), its members dicts of the person
columns, `p` the parameters of its region and date (key → value, as events.params_for gives them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

# 分类施保 categories, in the order a member is placed when several apply.
CLASSIFIED = ("disability_severe", "serious_illness", "elderly70", "minor")
MENTAL = ("intellectual", "mental")


def share(amount: int, bp: int) -> int:
    """amount × bp / 10 000 (bp: basis points), rounded half up to the fen."""
    return (amount * bp + 5_000) // 10_000


def rounded(raw: int, mode: str) -> int:
    """The region's rounding of an amount: up to the yuan, to the nearest yuan, or kept to the fen."""
    if mode == "ceil_yuan":
        return (raw + 99) // 100 * 100
    if mode == "round_yuan":
        return (raw + 50) // 100 * 100
    return raw


def age_on(day: dt.date, birth: dt.date) -> int:
    """Age in whole years on a day: one is a year older on one's birthday."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def counted_income(m: Mapping[str, Any], p: Mapping[str, Any]) -> int:
    """A member's income as 低保 counts it: wages less the job-cost share, plus business, property,
    transfer and other income, less rigid medical and rehabilitation spending. Exempt income is not
    counted at all."""
    wage = m["income_wage"]
    return (
        wage
        - share(wage, p["dibao.job_cost_ratio"])
        + m["income_business"]
        + m["income_property"]
        + m["income_transfer"]
        + m["income_other"]
        - m["rigid_medical"]
        - m["rigid_rehab"]
    )


def unable_to_work_by_disability(m: Mapping[str, Any]) -> bool:
    """[TK] art. 5–6: intellectual or mental grade 1–3, physical 1–2, visual 1, multiple 1–2."""
    grade, kind = m["disability_grade"], m["disability_kind"]
    if grade is None or kind is None:
        return False
    return (
        (kind in MENTAL and grade <= 3)
        or (kind == "physical" and grade <= 2)
        or (kind == "visual" and grade == 1)
        or (kind == "multiple" and grade <= 2)
    )


def is_tekun(m: Mapping[str, Any], age: int, own: int, std: int) -> bool:
    """特困: in the group (60+, under 18, or so disabled), unable to work (the labour field, or 60+,
    under 16, or so disabled), own income below the standard, no capable supporter, not an orphan case."""
    unable = unable_to_work_by_disability(m)
    return (
        (age >= 60 or age < 18 or unable)
        and (m["labor"] == "none" or age >= 60 or age < 16 or unable)
        and own < std
        and m["supporter"] != "capable"
        and m["orphan"] == "none"
    )


def dibao_monthly(h: Mapping[str, Any], people: list[Mapping[str, Any]], p: Mapping[str, Any]) -> int:
    """The household's 低保 money for the month, in fen: the household amount, or in a 低保边缘 household
    the 单人保 amounts of its members who qualify alone."""
    std = p["dibao.standard.urban"] if h["urban"] else p["dibao.standard.rural"]
    unit = []  # (counted income, own income, add-on, 单人保 reason) of each member of the 低保 unit
    for m in people:
        if not m["alive"] or m["excluded"]:
            continue
        age = age_on(h["date"], m["birth_date"])
        grade, kind = m["disability_grade"], m["disability_kind"]
        counted = counted_income(m, p)
        own = max(counted, 0)
        # A 特困 person is paid as such, out of the 低保 unit, unless they chose 低保.
        if is_tekun(m, age, own, std) and not m["prefers_dibao"]:
            continue
        severe = grade is not None and grade <= 2
        applies = (severe, m["serious_illness"], age >= 70, age < 18)
        addon = max(
            (share(std, p[f"dibao.classified.{c}"]) for c, a in zip(CLASSIFIED, applies, strict=True) if a), default=0
        )
        alone = (grade is not None and (grade <= 2 or (grade == 3 and kind in MENTAL))) or m["serious_illness"]
        unit.append((counted, own, addon, alone))
    n = len(unit)
    if n == 0:
        return 0
    income = max(sum(u[0] for u in unit), 0)
    per_capita = (income * 2 + n) // (2 * n)  # half up to the fen
    if (
        h["vehicles"] - h["disability_vehicle"] > 0
        or h["homes"] > p["dibao.assets.max_homes"]
        or h["deposits"] > share(std * n, p["dibao.assets.deposit_months"])
        or h["business"]
    ):
        return 0
    mode = p["dibao.rounding"]
    if per_capita < std:
        return rounded((std - per_capita) * n + sum(u[2] for u in unit), mode)
    if per_capita < share(std, p["dibao.edge_ratio"]):  # 低保边缘: 单人保
        return sum(rounded(std - own + addon, mode) for _, own, addon, alone in unit if alone and own < std)
    return 0
