"""The blank roster clerks fill in: the headers, one example row, and a sheet saying what each column takes."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from jiuzhu.registry.importer.columns import COLUMNS, choice_labels


def import_template_xlsx() -> bytes:
    """The sheet clerks fill in: the headers, one example row, and a sheet of allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("家庭成员")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for i, column in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=i, value=column.header)
        head.font, head.fill = bold, required_fill if column.required else fill
        cell = ws.cell(row=2, column=i, value=column.example or None)
        # Text format keeps Excel from turning an 18-digit number into 3.30727E+17.
        cell.number_format = "@"
        letter = head.column_letter
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 2)
        if column.kind in ("id", "key", "region", "phone", "account"):
            ws.column_dimensions[letter].width = 22
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(_("填写说明"))
    help_ws.append([_("列名"), _("是否必填"), _("可填写的值"), _("说明")])
    for cell in help_ws[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        if column.kind == "choice":
            allowed = "、".join(choice_labels(column.key))
        elif column.kind == "bool":
            allowed = _("是、否（留空为否）")
        elif column.kind == "grade":
            allowed = "1、2、3、4"
        elif column.kind == "money":
            allowed = _("不小于0的金额，最多两位小数（留空为0）")
        elif column.kind == "date":
            allowed = "2025-03-01"
        elif column.kind == "int":
            allowed = _("整数（留空为%(d)s）") % {"d": column.default or "0"}
        else:
            allowed = ""
        help_ws.append([column.header, _("必填") if column.required else "", allowed, str(column.help)])
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
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
