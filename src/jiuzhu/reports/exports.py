"""The month's civil-affairs tables (xlsx, one sheet per statistical category, one row per region) and the
printable monthly report (PDF with charts and the summary sentences), from the snapshot rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from jiuzhu.core.scope import prefix_q
from jiuzhu.core.tabular import safe_cell
from jiuzhu.regions.models import Level, Region
from jiuzhu.reports import selectors
from jiuzhu.reports.figures import CATEGORIES, Category, add, per_capita, ratio, wan, yuan
from jiuzhu.reports.models import ALL_PROGRAMS
from jiuzhu.reports.selectors import Reader, RegionScope


def _columns() -> list[str]:
    return [
        _("区划代码"), _("区划名称"), _("户数"), _("人数"), _("男"), _("女"), _("未满18周岁"), _("18至59周岁"),
        _("60周岁及以上"), _("残疾人"), _("城镇"), _("农村"), _("按月发放（元）"), _("补发（元）"), _("扣回（元）"),
        _("一次性发放（元）"), _("资助参保（元）"), _("本月合计（元）"), _("月人均补助（元）"),
        _("本年累计发放（万元）"), _("新增"), _("停止"), _("调整"), _("户籍人口"), _("占户籍人口比例（%）"),
    ]  # fmt: skip


def _deepest(region: Region) -> int:
    """Rows down to the townships of a county (or above), down to the villages of a township."""
    return Level.VILLAGE if region.level >= Level.TOWNSHIP else Level.TOWNSHIP


def _sheet_rows(reader: Reader, region: Region, month: dt.date, category: Category) -> list[list[Any]]:
    visible = selectors.snapshots_visible(user=reader).filter(prefix_q(region.prefix))
    visible = visible.filter(level__gte=region.level, level__lte=_deepest(region))
    fields = ("region_code", "program", *(f for f in selectors.FIELDS))
    now = visible.filter(month=month, program__in=[*category.programs, ALL_PROGRAMS]).values(*fields)
    by_region: dict[str, list[dict[str, Any]]] = {}
    population: dict[str, int] = {}
    for row in now:
        if row["program"] == ALL_PROGRAMS:
            population[row["region_code"]] = row["population"]
        else:
            by_region.setdefault(row["region_code"], []).append(row)
    ytd = dict(
        visible.filter(month__range=(month.replace(month=1), month), program__in=category.programs)
        .values("region_code")
        .annotate(s=Sum("total_fen"))
        .values_list("region_code", "s")
    )
    names = dict(
        Region.objects.filter(prefix_q(region.prefix, "code"), level__lte=_deepest(region)).values_list("code", "name")
    )
    out = []
    for code in sorted(set(population) | set(by_region)):
        r = add(by_region.get(code, []))
        indent = "　" * max(0, selectors.level_of(code) - region.level)
        out.append([
            code, indent + names.get(code, code), r["households"], r["persons"], r["male"], r["female"],
            r["age_child"], r["age_working"], r["age_elderly"], r["disabled"], r["urban"], r["rural"],
            yuan(r["regular_fen"]), yuan(r["backpay_fen"]), yuan(r["recovery_fen"]), yuan(r["one_off_fen"]),
            yuan(r["insurance_fen"]), yuan(r["total_fen"]),
            per_capita(r["regular_fen"], r["persons"]) if category.monthly else None,
            wan(int(ytd.get(code) or 0)), r["new"], r["stopped"], r["adjusted"], population.get(code, 0),
            ratio(r["persons"], population.get(code, 0)),
        ])  # fmt: skip
    return out


def monthly_xlsx(*, region: Region, month: dt.date, path: Path, user: Reader | None = None) -> Path:
    """The month's tables in the layout of the monthly civil-affairs statistics: a sheet per category
    (城市低保, 农村低保, 特困, 临时救助, 医疗救助), a title row, the header, the region's own total first and the
    regions under it in code order. Text cells are formula-neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    reader = user or RegionScope(region)
    wb = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for category in CATEGORIES:
        ws = wb.create_sheet(title=_(category.label))
        title = WriteOnlyCell(ws, value=str(safe_cell(_("%(r)s %(y)d年%(m)d月%(c)s统计表") % {
            "r": region.name, "y": month.year, "m": month.month, "c": _(category.label)})))  # fmt: skip
        title.font = Font(bold=True, size=14)
        ws.append([title])
        header = []
        for h in _columns():
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        ws.append(header)
        for row in _sheet_rows(reader, region, month, category):
            ws.append(
                [
                    safe_cell(v)
                    if isinstance(v, str)
                    else (float(v) if v is not None and not isinstance(v, int) else v)
                    for v in row
                ]
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def monthly_pdf(*, region: Region, month: dt.date, user: Reader | None = None) -> bytes:
    from jiuzhu.reports.pdf import report_pdf

    return report_pdf(region=region, month=month, reader=user or RegionScope(region))
