"""The dashboard's oversight panels: low-income monitoring (warning levels I/II/III, households monitored,
re-assessments due, risks eliminated) and the cross-check findings ledger (open and closed, deadlines missed).
reports lies above monitoring and matching, so it reads their selectors; registered in apps.py. Every figure
links to the list behind it (the monitoring list, the findings ledger) filtered to the dashboard's region, and
both lists apply the viewer's scope again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.scope import prefix_q
from jiuzhu.matching import selectors as matching
from jiuzhu.matching.models import OPEN_STATUSES, FindingStatus
from jiuzhu.matching.rules import RULES
from jiuzhu.monitoring import selectors as monitoring
from jiuzhu.monitoring.models import Level as WarningLevel
from jiuzhu.monitoring.models import Status
from jiuzhu.payments.models import next_month
from jiuzhu.regions.models import Level, Region
from jiuzhu.reports.panels import Panel
from jiuzhu.reports.selectors import child_regions

LEVELS = (WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.BLUE)
# The table's short headings: 红色（Ⅰ级）…, and the monitored households no rule puts at a level.
LEVEL_HEADINGS = (
    gettext_lazy("红色（Ⅰ级）"),
    gettext_lazy("黄色（Ⅱ级）"),
    gettext_lazy("蓝色（Ⅲ级）"),
    gettext_lazy("未达预警"),
)
LEVEL_COLOURS = {WarningLevel.RED: "#dc2626", WarningLevel.YELLOW: "#eab308", WarningLevel.BLUE: "#2563eb"}
STATUS_COLOURS = {
    FindingStatus.PENDING: "#f97316",
    FindingStatus.VERIFYING: "#eab308",
    FindingStatus.CONFIRMED: "#dc2626",
    FindingStatus.RECTIFIED: "#16a34a",
    FindingStatus.UNFOUNDED: "#94a3b8",
}


@dataclass
class Figure:
    label: str
    value: int
    url: str
    tone: str = ""


@dataclass
class Row:
    name: str
    cells: list[Figure]
    region_url: str = ""


@dataclass
class Chart:
    """A stacked bar chart per area (or per rule); a bar's segment opens `urls[series][area]`."""

    id: str
    categories: list[str]
    series: list[dict[str, Any]] = field(default_factory=list)  # name, colour, data, urls

    def as_json(self) -> dict[str, Any]:
        return {"categories": self.categories, "series": self.series}


def _areas(user: Any, region: Region) -> list[Region]:
    """The dashboard's rows: the regions one level below down to the townships (the monitoring counts are
    per township), else the region itself."""
    if region.level >= Level.TOWNSHIP:
        return [region]
    return child_regions(user=user, region=region) or [region]


def _link(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v != ''})}"


def _as_of(month: dt.date) -> dt.date:
    """The month's last day, or today for the current month."""
    return min(next_month(month) - dt.timedelta(days=1), timezone.localdate())


def _sum(frame: pl.DataFrame, prefix: str | None = None, **equal: str) -> int:
    if prefix is not None:
        frame = frame.filter(pl.col("township").str.starts_with(prefix))
    for column, value in equal.items():
        frame = frame.filter(pl.col(column) == value)
    return int(frame["households"].sum()) if frame.height else 0


# ───────────────────────────── monitoring ─────────────────────────────


def monitoring_figures(user: Any, region: Region, month: dt.date) -> dict[str, Any]:
    """Households monitored per warning level and area as they stood at the month's end (today for the
    current month), re-assessments due now and risks eliminated, with the list behind each figure."""
    on = _as_of(month)
    if isinstance(user, User):
        counts = monitoring.monitoring_counts(user=user, prefix=region.prefix, on=on)
    else:  # the command line's reader: the whole region
        counts = monitoring.monitoring_counts(prefix=region.prefix, on=on)
    active = counts.filter(pl.col("status") == Status.MONITORING.value)
    due = (
        monitoring.assessments_due(user=user, on=timezone.localdate())
        .filter(prefix_q(region.prefix), status=Status.MONITORING)
        .count()
    )
    here = region.prefix
    list_url = "monitoring:list"
    monitored = Status.MONITORING.value
    eliminated = Status.ELIMINATED.value
    totals = [Figure(_("监测户数"), _sum(active), _link(list_url, township=here, status=monitored))]
    for lv in LEVELS:
        url = _link(list_url, township=here, level=lv.value, status=monitored)
        totals.append(Figure(str(lv.label), _sum(active, level=lv.value), url, lv.value))
    totals.append(
        Figure(_("到期待复评"), due, _link(list_url, township=here, due="1", status=monitored), "warn" if due else "")
    )
    gone = _link(list_url, township=here, status=eliminated)
    totals.append(Figure(_("风险已消除"), _sum(counts, status=eliminated), gone, "ok"))
    areas = _areas(user, region)
    rows = []
    for area in areas:
        p = area.prefix
        cells = [Figure("", _sum(active, p), _link(list_url, township=p, status=monitored))]
        cells += [
            Figure("", _sum(active, p, level=lv.value), _link(list_url, township=p, level=lv.value, status=monitored))
            for lv in (*LEVELS, WarningLevel.NONE)
        ]
        cells.append(Figure("", _sum(counts, p, status=Status.ELIMINATED.value),
                            _link(list_url, township=p, status=Status.ELIMINATED.value)))  # fmt: skip
        rows.append(Row(area.name, cells))
    chart = Chart("chart-monitoring", [a.name for a in areas])
    for lv in LEVELS:
        chart.series.append({
            "name": str(lv.label), "colour": LEVEL_COLOURS[lv],
            "data": [_sum(active, a.prefix, level=lv.value) for a in areas],
            "urls": [_link(list_url, township=a.prefix, level=lv.value, status=monitored) for a in areas],
        })  # fmt: skip
    return {"on": on, "totals": totals, "rows": rows, "chart": chart}


def monitoring_panel(user: Any, region: Region, month: dt.date) -> Panel | None:
    if not user.has_capability(Capability.VIEW_MONITORING):
        return None
    figures = monitoring_figures(user, region, month)
    html = render_to_string(
        "reports/_panel_monitoring.html",
        {
            **figures,
            "chart_json": figures["chart"].as_json(),
            "chart_data_id": "chart-monitoring-data",
            "levels": LEVEL_HEADINGS,
        },
    )
    return Panel(
        title=gettext_lazy("低收入人口监测预警"),
        html=html,
        figures={f.label: f.value for f in figures["totals"]},
    )


# ───────────────────────────── findings ─────────────────────────────


def findings_figures(user: Any, region: Region) -> dict[str, Any]:
    """The findings ledger of the region as it stands today (the ledger keeps no history of its statuses):
    open and closed, deadlines missed, per rule and per area."""
    today = timezone.localdate()
    qs = matching.findings_visible(user=user).filter(prefix_q(region.prefix))
    overdue_q = Q(status__in=OPEN_STATUSES, deadline__lt=today)
    ledger = "matching:findings"
    here = region.prefix
    by_status = dict.fromkeys(FindingStatus.values, 0)
    for status, n in qs.values_list("status").annotate(n=Count("id")).order_by():
        by_status[status] = n
    open_n = sum(by_status[s] for s in OPEN_STATUSES)
    closed_n = sum(by_status.values()) - open_n
    overdue = qs.filter(overdue_q).count()
    totals = [
        Figure(_("未办结"), open_n, _link(ledger, township=here, status=matching.OPEN), "warn" if open_n else ""),
        Figure(_("已办结"), closed_n, _link(ledger, township=here, status=matching.CLOSED), "ok"),
        Figure(_("逾期未核实"), overdue, _link(ledger, township=here, overdue="1"), "red" if overdue else ""),
        Figure(_("累计发现"), sum(by_status.values()), _link(ledger, township=here)),
    ]
    per_rule: dict[str, dict[str, int]] = {}
    for rule, status, n in qs.values_list("rule", "status").annotate(n=Count("id")).order_by():
        per_rule.setdefault(rule, dict.fromkeys(FindingStatus.values, 0))[status] = n
    late = dict(qs.filter(overdue_q).values_list("rule").annotate(n=Count("id")).order_by())
    rule_rows = []
    for rule in sorted(per_rule, key=lambda r: (-sum(per_rule[r].values()), r)):
        counts = per_rule[rule]
        name = _(RULES[rule].name) if rule in RULES else rule
        cells = [Figure("", sum(counts.values()), _link(ledger, township=here, rule=rule))]
        cells += [
            Figure("", counts[s], _link(ledger, township=here, rule=rule, status=s)) for s in FindingStatus.values
        ]
        cells.append(Figure("", late.get(rule, 0), _link(ledger, township=here, rule=rule, overdue="1")))
        rule_rows.append(Row(name, cells))
    areas = _areas(user, region)
    area_rows = []
    chart = Chart("chart-findings", [a.name for a in areas])
    area_counts = []
    for area in areas:
        mine = qs.filter(prefix_q(area.prefix))
        counts = dict.fromkeys(FindingStatus.values, 0)
        for status, n in mine.values_list("status").annotate(n=Count("id")).order_by():
            counts[status] = n
        area_counts.append(counts)
        p = area.prefix
        open_a = sum(counts[s] for s in OPEN_STATUSES)
        area_rows.append(Row(area.name, [
            Figure("", open_a, _link(ledger, township=p, status=matching.OPEN)),
            Figure("", sum(counts.values()) - open_a, _link(ledger, township=p, status=matching.CLOSED)),
            Figure("", mine.filter(overdue_q).count(), _link(ledger, township=p, overdue="1")),
        ]))  # fmt: skip
    for status in FindingStatus:
        chart.series.append({
            "name": str(status.label), "colour": STATUS_COLOURS[status],
            "data": [c[status.value] for c in area_counts],
            "urls": [_link(ledger, township=a.prefix, status=status.value) for a in areas],
        })  # fmt: skip
    return {
        "today": today,
        "totals": totals,
        "rule_rows": rule_rows,
        "area_rows": area_rows,
        "chart": chart,
    }


def findings_panel(user: Any, region: Region, month: dt.date) -> Panel | None:
    if not user.has_capability(Capability.VIEW_FINDINGS):
        return None
    del month
    figures = findings_figures(user, region)
    html = render_to_string(
        "reports/_panel_findings.html",
        {
            **figures,
            "chart_json": figures["chart"].as_json(),
            "chart_data_id": "chart-findings-data",
            "statuses": [str(s.label) for s in FindingStatus],
        },
    )
    return Panel(
        title=gettext_lazy("数据比对疑似问题"), html=html, figures={f.label: f.value for f in figures["totals"]}
    )
