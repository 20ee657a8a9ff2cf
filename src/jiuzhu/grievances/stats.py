"""The desk's statistics: volume by kind, channel, month, township and topic, and timeliness (answered on time).
Aggregated in the database over the user's scope; a county has hundreds of grievances a year, not millions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.accounts.models import User
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.grievances.models import OPEN_STATES, Channel, Grievance, Kind, Topic
from jiuzhu.grievances.selectors import grievances_visible
from jiuzhu.regions.models import Region


@dataclass(frozen=True)
class Row:
    label: str
    total: int
    answered: int
    on_time: int
    open: int
    overdue: int

    @property
    def on_time_pct(self) -> float | None:
        """Answered within the deadline, of those answered: None when nothing was answered yet."""
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    total: Row
    sections: dict[str, list[Row]] = field(default_factory=dict)


def _counts(on: dt.date) -> dict[str, Count]:
    return {
        "total": Count("id"),
        "answered": Count("id", filter=Q(answered_on__isnull=False)),
        "on_time": Count("id", filter=Q(answered_on__isnull=False, answered_on__lte=F("due_date"))),
        "open": Count("id", filter=Q(state__in=OPEN_STATES)),
        "overdue": Count("id", filter=Q(state__in=OPEN_STATES, due_date__lt=on)),
    }


def _rows(qs: QuerySet[Grievance], key: str, labels: dict[str, str], on: dt.date) -> list[Row]:
    out = []
    for r in qs.values(key).annotate(**_counts(on)).order_by(key):
        out.append(
            Row(labels.get(r[key], r[key] or "—"), r["total"], r["answered"], r["on_time"], r["open"], r["overdue"])
        )
    return out


def grievance_report(*, user: User, start: dt.date, end: dt.date, on: dt.date) -> Report:
    """Grievances received from `start` to `end` (inclusive) within the user's sight; open/overdue as of `on`."""
    qs = grievances_visible(user=user).filter(received_on__range=(start, end)).order_by()
    total = qs.aggregate(**_counts(on))
    townships = qs.annotate(township=Substr("region_code", 1, 9))
    codes = {c.ljust(12, "0") for c in townships.values_list("township", flat=True).distinct()}
    names = {r.code[:9]: r.name for r in Region.objects.filter(code__in=codes)}
    return Report(
        start=start,
        end=end,
        total=Row(_("合计"), total["total"], total["answered"], total["on_time"], total["open"], total["overdue"]),
        sections={
            "kind": _rows(qs, "kind", {str(k.value): str(k.label) for k in Kind}, on),
            "channel": _rows(qs, "channel", {str(c.value): str(c.label) for c in Channel}, on),
            "topic": _rows(qs, "topic", {str(t.value): str(t.label) for t in Topic}, on),
            "township": _rows(townships, "township", names, on),
            "month": _month_rows(qs, on),
        },
    )


def _month_rows(qs: QuerySet[Grievance], on: dt.date) -> list[Row]:
    rows = qs.annotate(m=TruncMonth("received_on")).values("m").annotate(**_counts(on)).order_by("m")
    return [
        Row(r["m"].strftime("%Y-%m"), r["total"], r["answered"], r["on_time"], r["open"], r["overdue"]) for r in rows
    ]


SECTION_TITLES = {
    "kind": gettext_lazy("按类型"),
    "channel": gettext_lazy("按来源渠道"),
    "month": gettext_lazy("按月份"),
    "township": gettext_lazy("按乡镇（街道）"),
    "topic": gettext_lazy("按问题类别"),
}


def report_xlsx(report: Report, path: Path) -> Path:
    """One sheet: each section under its title, the same columns as the page (through core.tabular)."""
    header = [_("分组"), _("项目"), _("件数"), _("已答复"), _("按期答复"), _("按期答复率（%）"), _("未办结"), _("超期")]
    lines: list[list[object]] = []
    for key, rows in report.sections.items():
        for r in rows:
            lines.append(
                [str(SECTION_TITLES[key]), r.label, r.total, r.answered, r.on_time, r.on_time_pct, r.open, r.overdue]
            )
    t = report.total
    lines.append(["", t.label, t.total, t.answered, t.on_time, t.on_time_pct, t.open, t.overdue])
    return write_xlsx(path, header, lines, title=_("投诉举报统计"))
