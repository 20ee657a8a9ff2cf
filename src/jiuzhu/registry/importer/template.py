"""The blank roster clerks fill in: the headers, one example row, and a sheet saying what each column takes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from jiuzhu.registry.importer.columns import COLUMNS, Column, choice_labels

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

# Columns of codes and numbers clerks type as text: wide, and stored as text so Excel keeps every digit.
TEXT_KINDS = ("id", "key", "region", "phone", "account")
HEADER_COLOUR, REQUIRED_COLOUR = "DDEBF7", "FCE4D6"


def import_template_xlsx() -> bytes:
    """The sheet clerks fill in: the headers, one example row, and a sheet of allowed values."""
    from openpyxl import Workbook

    wb = Workbook()
    _roster_sheet(wb)
    _help_sheet(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _roster_sheet(wb: Workbook) -> None:
    """The sheet clerks fill in: a header per column (required ones coloured apart) and the example row."""
    from openpyxl.styles import Font, PatternFill

    ws = wb.active
    assert ws is not None
    ws.title = _("家庭成员")
    bold = Font(bold=True)
    fill, required_fill = PatternFill("solid", fgColor=HEADER_COLOUR), PatternFill("solid", fgColor=REQUIRED_COLOUR)
    for i, column in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=i, value=column.header)
        head.font, head.fill = bold, required_fill if column.required else fill
        cell = ws.cell(row=2, column=i, value=column.example or None)
        # Text format keeps Excel from turning an 18-digit number into 3.30727E+17.
        cell.number_format = "@"
        letter = head.column_letter
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 2)
        if column.kind in TEXT_KINDS:
            ws.column_dimensions[letter].width = 22
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"


def _help_sheet(wb: Workbook) -> None:
    """填写说明: per column whether it is required, what it takes and what it means; then the rules of the
    import as a whole."""
    from openpyxl.styles import Alignment, Font, PatternFill

    help_ws = wb.create_sheet(_("填写说明"))
    help_ws.append([_("列名"), _("是否必填"), _("可填写的值"), _("说明")])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_COLOUR)
    for cell in help_ws[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        help_ws.append([column.header, _("必填") if column.required else "", _allowed(column), str(column.help)])
    help_ws.append([])
    help_ws.append(
        [_("每行一人；同一户各行的家庭信息（区划代码、住址、电话、账号、存款等）应一致，可只在户主行填写。")]
    )
    help_ws.append([_("所有行校验通过才会导入；有任何错误时不写入任何数据，并给出逐行错误报告。")])
    help_ws.append([_("文件可为 xlsx，或 UTF-8、GBK 编码的 CSV。其他列（如序号、备注）将被忽略。")])
    for letter, width in zip("ABCD", (24, 10, 60, 70), strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _allowed(column: Column) -> str:
    """What a cell of the column may hold, in the clerk's words ("" for free text)."""
    if column.kind == "choice":
        return "、".join(choice_labels(column.key))
    if column.kind == "bool":
        return _("是、否（留空为否）")
    if column.kind == "grade":
        return "1、2、3、4"
    if column.kind == "money":
        return _("不小于0的金额，最多两位小数（留空为0）")
    if column.kind == "date":
        return "2025-03-01"
    if column.kind == "int":
        return _("整数（留空为%(d)s）") % {"d": column.default or "0"}
    return ""
