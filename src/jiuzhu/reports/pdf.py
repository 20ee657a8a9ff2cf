"""The printable monthly report: title, the summary sentences, the key figures, a trend chart, bars by region
and the categories' table, in the shipped CJK font (core.pdf), drawn with reportlab's own graphics."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jiuzhu.core.pdf import cjk_font
from jiuzhu.regions.models import Region
from jiuzhu.reports.dashboard import Dashboard, dashboard_build
from jiuzhu.reports.selectors import Reader

PALETTE = [colors.HexColor(c) for c in ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2")]


def _fmt(value: object) -> str:
    return "—" if value is None else str(value)


def _trend(board: Dashboard, width: float) -> Drawing:
    f = cjk_font()
    series = board.charts["persons"]
    d = Drawing(width, 70 * mm)
    d.add(String(0, 66 * mm, _("近24个月保障人数"), fontName=f, fontSize=10))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, width - 16 * mm, 46 * mm
    chart.data = [s["data"] for s in series] or [[0]]
    chart.categoryAxis.categoryNames = [m[2:] if i % 3 == 0 else "" for i, m in enumerate(board.charts["months"])]
    chart.categoryAxis.labels.fontName = f
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = f
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for i in range(len(series)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.5
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 14 * mm, 4 * mm
    legend.fontName, legend.fontSize = f, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 30 * mm
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], s["name"]) for i, s in enumerate(series)]
    d.add(legend)
    return d


def _bars(board: Dashboard, width: float) -> Drawing | None:
    kids = board.charts["children"]
    if not kids["names"]:
        return None
    f = cjk_font()
    d = Drawing(width, 66 * mm)
    d.add(String(0, 62 * mm, _("各区划本月保障人数"), fontName=f, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 16 * mm, width - 16 * mm, 42 * mm
    chart.data = [kids["persons"]]
    chart.bars[0].fillColor = PALETTE[0]
    chart.categoryAxis.categoryNames = [n[:6] for n in kids["names"]]
    chart.categoryAxis.labels.fontName = f
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(kids["names"]) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(kids["names"]) > 8 else "n"
    chart.valueAxis.labels.fontName = f
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    d.add(chart)
    return d


def _table(header: list[str], rows: list[list[str]], style: ParagraphStyle, widths: list[float] | None = None) -> Table:
    data = [[Paragraph(h, style) for h in header]] + [[Paragraph(c, style) for c in r] for r in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f3f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def report_pdf(*, region: Region, month: dt.date, reader: Reader) -> bytes:
    board = dashboard_build(user=reader, region=region, month=month)
    f = cjk_font()
    body = ParagraphStyle("body", fontName=f, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    cell = ParagraphStyle("cell", fontName=f, fontSize=8.5, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=f, fontSize=17, leading=24, alignment=1, spaceAfter=3 * mm)
    head = ParagraphStyle("head", fontName=f, fontSize=12, leading=18, spaceBefore=3 * mm, spaceAfter=1 * mm)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("月度统计报告"), author="jiuzhu")  # fmt: skip
    story: list[Flowable] = [
        Paragraph(
            _("%(r)s%(y)d年%(m)d月社会救助统计报告") % {"r": region.name, "y": month.year, "m": month.month}, title
        )
    ]
    story.append(Paragraph(_("一、总体情况"), head))
    story += [Paragraph(s, body) for s in board.sentences] or [Paragraph(_("本月尚无已审批的发放数据。"), body)]
    story.append(Spacer(1, 2 * mm))
    cards = [_("保障户数"), _("保障人数"), _("本月发放（元）"), _("本年累计（万元）")]
    cards += [_("低保人数比例（%）"), _("同比人数（%）")]
    t = board.total
    values = [str(t["households"]), str(t["persons"]), str(board.money), str(board.ytd_wan)]
    values += [_fmt(board.dibao_share), _fmt(board.yoy_persons)]
    story.append(_table(cards, [values], cell))
    story.append(Paragraph(_("二、趋势与分布"), head))
    story.append(_trend(board, doc.width))
    bars = _bars(board, doc.width)
    if bars is not None:
        story.append(bars)
    story.append(Paragraph(_("三、分类统计"), head))
    header = [_("类别"), _("户数"), _("人数"), _("本月发放（元）"), _("月人均（元）"), _("本年累计（万元）")]
    header += [_("目标人数"), _("完成目标（%）")]
    rows = [
        [
            c.label,
            str(c.month["households"]),
            str(c.month["persons"]),
            str(c.money),
            _fmt(c.per_capita),
            str(c.ytd_wan),
            _fmt(c.target_persons),
            _fmt(c.done.headline),
        ]
        for c in board.categories
    ]
    story.append(_table(header, rows, cell))
    if board.children:
        story.append(Paragraph(_("四、各区划情况"), head))
        header = [_("区划"), _("户数"), _("人数"), _("本月发放（元）"), _("低保人数"), _("户籍人口")]
        header.append(_("低保人数比例（%）"))
        rows = [
            [
                c.region.name,
                str(c.total["households"]),
                str(c.total["persons"]),
                str(c.money),
                str(c.dibao_persons),
                str(c.total["population"]),
                _fmt(c.dibao_share),
            ]
            for c in board.children
        ]
        story.append(_table(header, rows, cell))
    shown = [p for p in board.panels if p.figures]
    if shown:  # the oversight panels' figures (monitoring warnings, the findings ledger)
        story.append(Paragraph(_("五、监测预警与疑似问题"), head))
        for panel in shown:
            story.append(Paragraph(str(panel.title), cell))
            story.append(_table(list(panel.figures), [[str(v) for v in panel.figures.values()]], cell))
            story.append(Spacer(1, 2 * mm))

    def on_page(canvas: object, document: object) -> None:
        canvas.setFont(f, 8)  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 9 * mm, _("第 %(n)d 页") % {"n": document.page})  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
