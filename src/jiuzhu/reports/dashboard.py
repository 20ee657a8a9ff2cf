"""The dashboard of one region and month, assembled from snapshot rows: cards, the categories' table with
year-to-date, year-on-year and target completion, the regions one level below, the 24-month trend, the
shares, the summary sentences, and the panels other apps register (panels.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.payments.models import add_months, first_of_month
from jiuzhu.policy.rules.catalogue import PROGRAMS_BY_CODE
from jiuzhu.regions.models import Region
from jiuzhu.reports import figures, selectors
from jiuzhu.reports.figures import CATEGORIES, DIBAO, Category, Completion, add, per_capita, ratio, wan, yuan
from jiuzhu.reports.models import ALL_PROGRAMS
from jiuzhu.reports.panels import Panel, dashboard_panels
from jiuzhu.reports.selectors import Reader

TREND_MONTHS = 24


@dataclass
class CategoryLine:
    category: Category
    label: str
    month: dict[str, int]
    ytd: dict[str, int]
    last_year: dict[str, int]
    person_months: int
    target_persons: int | None
    target_money: Decimal | None
    done: Completion

    @property
    def per_capita(self) -> Decimal | None:
        return per_capita(self.month["regular_fen"], self.month["persons"]) if self.category.monthly else None

    @property
    def ytd_per_capita(self) -> Decimal | None:
        return per_capita(self.ytd["regular_fen"], self.person_months) if self.category.monthly else None

    @property
    def yoy_persons(self) -> Decimal | None:
        return figures.change(self.month["persons"], self.last_year["persons"])

    @property
    def yoy_money(self) -> Decimal | None:
        return figures.change(self.month["total_fen"], self.last_year["total_fen"])

    @property
    def money(self) -> Decimal:
        return yuan(self.month["total_fen"])

    @property
    def ytd_wan(self) -> Decimal:
        return wan(self.ytd["total_fen"])

    @property
    def backpay(self) -> Decimal:
        return yuan(self.month["backpay_fen"])

    @property
    def recovery(self) -> Decimal:
        return yuan(self.month["recovery_fen"])

    @property
    def counted(self) -> int:
        """What a target counts: the persons covered this month, or occasional aid's person-times this year."""
        return self.month["persons"] if self.category.monthly else self.ytd["persons"]

    def sentence(self) -> str:
        return figures.category_sentence(
            self.category,
            persons=self.counted,
            ytd_fen=self.ytd["total_fen"],
            person_months=self.person_months,
            ytd_regular_fen=self.ytd["regular_fen"],
            done=self.done,
        )


@dataclass
class ChildLine:
    region: Region
    total: dict[str, int]
    dibao_persons: int

    @property
    def money(self) -> Decimal:
        return yuan(self.total["total_fen"])

    @property
    def dibao_share(self) -> Decimal | None:
        return ratio(self.dibao_persons, self.total["population"])


@dataclass
class Dashboard:
    region: Region
    month: dt.date
    months: list[dt.date]
    total: dict[str, int]
    ytd_total: dict[str, int]
    last_year_total: dict[str, int]
    categories: list[CategoryLine]
    others: list[tuple[str, dict[str, int], Decimal]]  # other programmes: (name, row, money)
    children: list[ChildLine]
    sentences: list[str]
    charts: dict[str, Any]
    panels: list[Panel] = field(default_factory=list)

    @property
    def dibao_persons(self) -> int:
        return sum(c.month["persons"] for c in self.categories if c.category.key in DIBAO)

    @property
    def dibao_share(self) -> Decimal | None:
        return ratio(self.dibao_persons, self.total["population"])

    @property
    def dibao_per_capita(self) -> Decimal | None:
        fen = sum(c.month["regular_fen"] for c in self.categories if c.category.key in DIBAO)
        return per_capita(fen, self.dibao_persons)

    @property
    def money(self) -> Decimal:
        return yuan(self.total["total_fen"])

    @property
    def ytd_wan(self) -> Decimal:
        return wan(self.ytd_total["total_fen"])

    @property
    def yoy_persons(self) -> Decimal | None:
        return figures.change(self.total["persons"], self.last_year_total["persons"])


def _by_program(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["program"], []).append(r)
    return out


def _category_lines(
    *, user: Reader, region: Region, month: dt.date, now: dict[str, dict[str, int]], ytd_rows: list[dict[str, Any]]
) -> list[CategoryLine]:
    last_year = selectors.rows_of_month(user=user, region=region, month=add_months(month, -12))
    targets = selectors.targets_of(user=user, region=region, year=month.year)
    ytd_by = _by_program(ytd_rows)
    lines = []
    for cat in CATEGORIES:
        m = add(now[p] for p in cat.programs if p in now)
        ytd = add(r for p in cat.programs for r in ytd_by.get(p, []))
        target = targets.get(cat.key)
        t_persons = target.persons if target else None
        t_money = target.money if target else None
        done = figures.completion(
            persons=m["persons"] if cat.monthly else ytd["persons"],
            ytd_fen=ytd["total_fen"],
            target_persons=t_persons,
            target_money=t_money,
        )
        lines.append(
            CategoryLine(
                category=cat,
                label=_(cat.label),
                month=m,
                ytd=ytd,
                last_year=add(last_year[p] for p in cat.programs if p in last_year),
                person_months=ytd["persons"],
                target_persons=t_persons,
                target_money=t_money,
                done=done,
            )
        )
    return lines


def _children(*, user: Reader, region: Region, month: dt.date) -> list[ChildLine]:
    rows = selectors.children_rows(user=user, region=region, month=month)
    by_region: dict[str, dict[str, dict[str, int]]] = {}
    for r in rows:
        by_region.setdefault(r["region_code"], {})[r["program"]] = r
    out = []
    for child in selectors.child_regions(user=user, region=region):
        mine = by_region.get(child.code, {})
        dibao = sum(mine[p]["persons"] for p in DIBAO if p in mine)
        out.append(ChildLine(child, add([mine[ALL_PROGRAMS]] if ALL_PROGRAMS in mine else []), dibao))
    return out


def _charts(
    *, month: dt.date, trend: list[dict[str, Any]], categories: list[CategoryLine], children: list[ChildLine]
) -> dict[str, Any]:
    months = [add_months(month, i - TREND_MONTHS + 1) for i in range(TREND_MONTHS)]
    by_key = {(r["month"], r["program"]): r for r in trend}
    series = []
    for cat in CATEGORIES:
        if not cat.monthly:
            continue
        data = [sum(by_key[(m, p)]["persons"] for p in cat.programs if (m, p) in by_key) for m in months]
        if any(data):  # a category the region never paid draws no flat line at zero
            series.append({"name": _(cat.label), "data": data})
    money = [float(wan(by_key[(m, ALL_PROGRAMS)]["total_fen"])) if (m, ALL_PROGRAMS) in by_key else 0 for m in months]
    shares = [{"name": c.label, "value": float(wan(c.month["total_fen"]))} for c in categories if c.month["total_fen"]]
    counted = sum(c.month["total_fen"] for c in categories)
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "persons": series,
        "money": money,
        "money_label": _("发放资金（万元）"),
        "children": {
            "names": [c.region.name for c in children],
            "persons": [c.total["persons"] for c in children],
            "money": [float(wan(c.total["total_fen"])) for c in children],
            "persons_label": _("保障人数"),
            "money_label": _("发放资金（万元）"),
        },
        "shares": shares,
        "others_fen": counted,
    }


def dashboard_build(
    *, user: Reader, region: Region, month: dt.date | None = None, with_panels: bool = True
) -> Dashboard:
    """The dashboard of `region` for `month` (default: the newest month built); `with_panels=False` leaves out
    the other apps' panels (the home page shows only the statistics' own figures)."""
    months = selectors.months_built(user=user, region=region)
    month = first_of_month(month or (months[0] if months else dt.date.today()))
    ytd_rows = selectors.rows_between(user=user, region=region, first=month.replace(month=1), last=month)
    now = {r["program"]: r for r in ytd_rows if r["month"] == month}
    categories = _category_lines(user=user, region=region, month=month, now=now, ytd_rows=ytd_rows)
    counted = {p for c in CATEGORIES for p in c.programs} | {ALL_PROGRAMS}
    others = [
        (_(PROGRAMS_BY_CODE[p].name) if p in PROGRAMS_BY_CODE else p, add([row]), yuan(row["total_fen"]))
        for p, row in sorted(now.items())
        if p not in counted
    ]
    children = _children(user=user, region=region, month=month)
    total = add([now[ALL_PROGRAMS]] if ALL_PROGRAMS in now else [])
    ytd_total = add(r for r in ytd_rows if r["program"] == ALL_PROGRAMS)
    last_year = selectors.rows_of_month(user=user, region=region, month=add_months(month, -12))
    word = figures.region_word(region.name, region.level)
    said = [c.sentence() for c in categories if c.month["persons"] or c.ytd["total_fen"]]
    # The first sentence names the region: 全县城市低保保障…
    sentences = [_("%(w)s%(s)s") % {"w": word, "s": said[0]}, *said[1:]] if said else []
    share = figures.dibao_share_sentence(
        word=word, dibao_persons=sum(c.month["persons"] for c in categories if c.category.key in DIBAO),
        population=total["population"],
    )  # fmt: skip
    if share:
        sentences.append(share)
    trend = selectors.trend_rows(user=user, region=region, last=month, months=TREND_MONTHS)
    return Dashboard(
        region=region,
        month=month,
        months=months,
        total=total,
        ytd_total=ytd_total,
        last_year_total=add([last_year[ALL_PROGRAMS]] if ALL_PROGRAMS in last_year else []),
        categories=categories,
        others=others,
        children=children,
        sentences=sentences,
        charts=_charts(month=month, trend=trend, categories=categories, children=children),
        panels=dashboard_panels(user, region, month) if with_panels else [],
    )
