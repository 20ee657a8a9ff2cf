"""Printable PDFs with Chinese text: reportlab with a CJK TrueType font EMBEDDED in the file.

Never the built-in STSong CID font: it is not embedded, so a PDF viewer without Adobe's Asian font pack
(most government intranet PCs, pdftoppm) shows boxes or nothing. jiuzhu ships its own font (core/fonts,
文泉驿微米黑) and embeds a subset of it, so a PDF prints the same on any machine; JIUZHU_CJK_FONT names
another TrueType file (.ttf/.ttc) when a county prefers its own.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import _listWrapOn

FONT_NAME = "JiuzhuCJK"
LONG_VALUE = 200  # characters: a form value this long may fill more than a page
SHIPPED_FONT = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"


class FontMissing(RuntimeError):
    pass


def find_cjk_font() -> Path:
    configured = os.environ.get("JIUZHU_CJK_FONT")
    if configured:
        if not Path(configured).exists():
            raise FontMissing(f"JIUZHU_CJK_FONT={configured} does not exist")
        return Path(configured)
    if not SHIPPED_FONT.exists():  # a packaging that left the package data out
        raise FontMissing(f"the font shipped with jiuzhu is missing: {SHIPPED_FONT}")
    return SHIPPED_FONT


@cache
def cjk_font() -> str:
    """Registers the CJK font once and returns its reportlab name."""
    path = find_cjk_font()
    font = TTFont(FONT_NAME, str(path), subfontIndex=0) if path.suffix == ".ttc" else TTFont(FONT_NAME, str(path))
    pdfmetrics.registerFont(font)
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    f = cjk_font()
    # wordWrap="CJK": Chinese lines break between any two characters, not only at spaces.
    base = ParagraphStyle("body", fontName=f, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=4 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=1, textColor=colors.grey),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, leading=20, spaceBefore=3 * mm),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.grey),
    }


@dataclass
class Heading:
    text: str


@dataclass
class Para:
    text: str
    small: bool = False


@dataclass
class Facts:
    """Label–value pairs in a two-column (or four-column) grid, as on a government form."""

    pairs: Sequence[tuple[str, str]]
    columns: int = 2


@dataclass
class Grid:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None  # millimetres


@dataclass
class Signatures:
    labels: Sequence[str] = field(default_factory=list)


Block = Heading | Para | Facts | Grid | Signatures


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _grid_style(f: str) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), f),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )


class KeepWithTail(Flowable):
    """The body, then the tail (a signature block), which never starts a page alone.

    Fits where it is: placed as is. Fits on a fresh page: moved there whole. Taller than a page: the body flows
    across pages, but each page leaves the tail's height free, so a piece of the body always goes with the tail.
    """

    def __init__(self, body: Sequence[Flowable], tail: Sequence[Flowable]) -> None:
        super().__init__()
        self.body, self.tail = list(body), list(tail)

    def getSpaceBefore(self) -> float:
        return float(self.body[0].getSpaceBefore()) if self.body else 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:  # noqa: ARG002 (reportlab calls it so)
        return aw, 0xFFFFFF  # always split: the frame then places the pieces split() returns

    def split(self, aw: float, ah: float) -> list[Flowable]:
        height = _listWrapOn([*self.body, *self.tail], aw, self.canv)[1]
        frame = getattr(self, "_frame", None)
        page_height = frame._aH if frame else ah
        at_top = bool(frame and frame._atTop)
        if height <= ah:
            return [*self.body, *self.tail]
        if height <= page_height and not at_top:
            return [FrameBreak(), *self.body, *self.tail]
        first, rest = self._split_body(aw, ah - _listWrapOn(self.tail, aw, self.canv)[1])
        if not rest and first:  # the whole fitted after all (spacing): still the last piece goes with the tail
            rest.append(first.pop())
        if not first:
            return [*self.body, *self.tail] if at_top else [FrameBreak(), self]
        if _listWrapOn(rest, aw, self.canv)[1] >= height - _listWrapOn(self.tail, aw, self.canv)[1] - 12:
            # reportlab's split of a cell already split once can make no progress (a sliver of a row per page,
            # or a longer rest): flow the section as is rather than print empty pages
            return [*first, *rest, *self.tail]
        return [*first, FrameBreak(), KeepWithTail(rest, self.tail)]  # the rest, with the tail, on the next page

    def _split_body(self, aw: float, ah: float) -> tuple[list[Flowable], list[Flowable]]:
        """As much of the body as fits in ah, and the rest; a heading is never left last on the page."""
        first: list[Flowable] = []
        rest = list(self.body)
        used = 0.0
        while rest:
            f = rest[0]
            space = f.getSpaceBefore() if first else 0
            h = f.wrapOn(self.canv, aw, ah - used - space)[1]
            if used + space + h <= ah:
                first.append(rest.pop(0))
                used += space + h + f.getSpaceAfter()
                continue
            parts = f.splitOn(self.canv, aw, ah - used - space) if ah - used - space > 0 else []
            if parts:
                first.append(parts[0])
                rest = [*parts[1:], *rest[1:]]
            break
        while first and getattr(first[-1], "is_heading", False):
            rest.insert(0, first.pop())
        return first, rest


def _flowables(blocks: Sequence[Block], st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    f = cjk_font()
    out: list[Flowable] = []
    section_start: int | None = None  # where the current section (a heading and what follows) begins in out
    previous_start = 0  # where the block before this one begins in out
    for b in blocks:
        block_start = len(out)
        if isinstance(b, Heading):
            section_start = block_start
            heading = Paragraph(_escape(b.text), st["heading"])
            heading.is_heading = True
            out.append(heading)
        elif isinstance(b, Para):
            out.append(Paragraph(_escape(b.text), st["small" if b.small else "body"]))
        elif isinstance(b, Facts):
            cells = [(Paragraph(_escape(k), st["cell"]), Paragraph(_escape(v or "—"), st["cell"])) for k, v in b.pairs]
            rows = []
            for i in range(0, len(cells), b.columns):
                chunk = [c for pair in cells[i : i + b.columns] for c in pair]
                rows.append(chunk + [""] * (2 * b.columns - len(chunk)))
            label_w, value_w = 0.16 * width, (width - 0.16 * width * b.columns) / b.columns
            # splitInRow: a cell taller than a page (a long opinion) continues on the next page.
            table = Table(rows, colWidths=[label_w, value_w] * b.columns, splitInRow=1)
            style = _grid_style(f)
            for c in range(0, 2 * b.columns, 2):
                style.add("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#f0f3f7"))
            for r in range(len(rows)):
                if any(len(v or "") > LONG_VALUE for _k, v in b.pairs[r * b.columns : (r + 1) * b.columns]):
                    # a row that may split across pages: top-aligned, since reportlab's split of a middle-aligned
                    # row pads the short cells anew at every split, until the rest of the row no longer fits a page
                    style.add("VALIGN", (0, r), (-1, r), "TOP")
            table.setStyle(style)
            out.append(table)
        elif isinstance(b, Grid):
            data = [[Paragraph(_escape(h), st["cell"]) for h in b.header]]
            data += [[Paragraph(_escape(str(c)), st["cell"]) for c in row] for row in b.rows]
            widths = [w * mm for w in b.widths] if b.widths else None
            table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
            style = _grid_style(f)
            style.add("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f3f7"))
            table.setStyle(style)
            out.append(table)
        elif isinstance(b, Signatures):
            cells = [
                Paragraph(
                    _escape(label)
                    + "<br/><br/>"
                    + "（签章）&nbsp;&nbsp;&nbsp;&nbsp;年&nbsp;&nbsp;&nbsp;月&nbsp;&nbsp;&nbsp;日",
                    st["cell"],
                )
                for label in b.labels
            ]
            table = Table([cells], colWidths=[width / max(len(cells), 1)] * len(cells))
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 10)]))
            # The signatures close the section above them (or the block above them, when there is no heading):
            # never alone at the head of a page.
            start = previous_start if section_start is None else section_start
            body = out[start:-1]  # without the space after the block above, which goes before the signatures
            out[start:] = [KeepWithTail(body, [Spacer(1, 2.5 * mm), table])]
            section_start, block_start = None, start
        out.append(Spacer(1, 2.5 * mm))
        previous_start = block_start
    return out


def render_pdf(*, title: str, blocks: Sequence[Block], subtitle: str = "", footer: str = "") -> bytes:
    """One A4 document: a centred title, the blocks in order, page numbers at the foot."""
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=title, author="jiuzhu",
    )  # fmt: skip
    story: list[Flowable] = [Paragraph(_escape(title), st["title"])]
    if subtitle:
        story += [Paragraph(_escape(subtitle), st["subtitle"]), Spacer(1, 4 * mm)]
    story += _flowables(blocks, st, doc.width)
    while isinstance(story[-1], Spacer):  # a space after the last block would open a blank page at a page's end
        story.pop()

    def on_page(canvas: object, document: object) -> None:
        canvas.setFont(cjk_font(), 8)  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{footer}  第 {document.page} 页".strip())  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
