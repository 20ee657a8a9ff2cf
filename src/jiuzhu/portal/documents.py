"""The forms a family may download and fill in by hand (申请书 PDF, household declaration xlsx): built from the
same lists the online form and the registry use, so the paper asks what the office will ask."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from jiuzhu.cases import checklists, engine
from jiuzhu.core.pdf import Block, Facts, Grid, Heading, Para, Signatures, render_pdf
from jiuzhu.core.tabular import safe_cell
from jiuzhu.registry.models import DisabilityKind, Labor, Relation

BLANK_MEMBER_ROWS = 6


def _member_header() -> list[str]:
    return [_("姓名"), _("身份证号"), _("与户主关系"), _("劳动能力"), _("残疾类别及等级"), _("月收入（元）")]


def application_form_pdf(program: str) -> bytes:
    """社会救助申请书, blank, for one programme, with its documents checklist."""
    docs = [str(label) for _key, label in checklists.checklist(program)]
    blocks: list[Block] = [
        Facts(
            [
                (_("申请项目"), engine.program_name(program)),
                (_("申请日期"), "    年   月   日"),
                (_("申请人姓名"), ""),
                (_("身份证号"), ""),
                (_("联系电话"), ""),
                (_("现住址"), ""),
                (_("户籍所在乡镇（街道）"), ""),
                (_("村（社区）"), ""),
            ]
        ),
        Heading(_("共同生活的家庭成员")),
        Grid(_member_header(), [[""] * 6 for _i in range(BLANK_MEMBER_ROWS)], widths=[24, 44, 22, 24, 30, 26]),
        Heading(_("家庭财产")),
        Facts(
            [
                (_("存款、理财等合计（元）"), ""),
                (_("机动车辆（辆）"), ""),
                (_("房产（套）"), ""),
                (_("工商登记"), _("有 / 无")),
            ]
        ),
        Heading(_("申请理由")),
        Para("\n\n\n"),
        Heading(_("需提交的材料")),
        Para("；".join(docs)),
        Para(
            _(
                "本人承诺以上情况真实，如有隐瞒或虚报，愿承担相应法律责任；并授权民政部门核对本人及共同生活家庭成员的"
                "收入、财产状况。"
            )
        ),
        Signatures([_("申请人签字（按手印）"), _("共同生活家庭成员签字")]),
    ]
    return render_pdf(title=_("社会救助申请书"), subtitle=engine.program_name(program), blocks=blocks)


def declaration_xlsx() -> bytes:
    """家庭成员及收入申报表: a sheet to fill in, and a sheet of the allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("家庭成员")
    header = [*_member_header()[:-1], _("工资性收入（元/月）"), _("其他收入（元/月）"), _("患重特大疾病（是/否）"),
              _("在校学生（是/否）")]  # fmt: skip
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for col in "ABCDEFGHI":
        ws.column_dimensions[col].width = 22 if col == "B" else 16
    ws.column_dimensions["B"].number_format = "@"
    help_ws = wb.create_sheet(_("填写说明"))
    help_ws.append([_("栏目"), _("可填写的值")])
    help_ws.append([_("与户主关系"), "、".join(str(label) for label in Relation.labels)])
    help_ws.append([_("劳动能力"), "、".join(str(label) for label in Labor.labels)])
    help_ws.append([_("残疾类别及等级"), "、".join(str(label) for label in DisabilityKind.labels) + _("；一至四级")])
    help_ws.append([_("说明"), safe_cell(_("每位共同生活的家庭成员填一行；收入按近 6 个月平均每月计算。"))])
    help_ws.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
