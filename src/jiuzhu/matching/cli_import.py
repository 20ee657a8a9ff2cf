"""`jiuzhu match import --kind KIND FILE [--source NAME]`: one external list into the data sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuzhu.matching.cli_common import acting_user
from jiuzhu.matching.kinds import Kind, fields_of
from jiuzhu.matching.services.datasets import data_root, dataset_import

HELP = """Import an external list (导入外部数据): xlsx or CSV in UTF-8 or GBK.

  jiuzhu match import --kind KIND FILE [--source NAME] [--received YYYY-MM-DD] [--map FIELD=列名 …] [--user NAME]

The columns are matched to the kind's fields by their headers (公民身份号码, 证件号码… for the ID number),
or as the source's earlier files were mapped; --map sets one field by hand and is remembered for the source.
Rows with a bad cell are left out and listed in an error report (xlsx) whose path is printed; a file already
imported, unreadable, without a required column or over the row limit is refused and nothing is stored.

Kinds and their fields (* required):
""" + "\n".join(
    f"  {k.value:<12} {k.label}: " + ", ".join(f.name + ("*" if f.required else "") for f in fields_of(k.value))
    for k in Kind
)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help=_("外部数据文件（xlsx 或 CSV）"))
    parser.add_argument("--kind", required=True, choices=Kind.values, help=_("数据类别"))
    parser.add_argument("--source", default="", help=_("来源单位（默认为文件名）"))
    parser.add_argument("--received", type=dt.date.fromisoformat, default=None, help=_("接收日期 YYYY-MM-DD"))
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER", help=_("指定字段对应的列"))
    parser.add_argument("--user", default="", help=_("以哪个用户的身份导入（默认：县级审批人员）"))


def _mapping(kind: str, pairs: list[str], source: str, headers_of: Any) -> dict[str, str] | None:
    if not pairs:
        return None
    from jiuzhu.matching.services.datasets import proposed_mapping

    mapping = proposed_mapping(kind=kind, source=source, headers=headers_of())
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep:
            raise CommandError(_("--map 的格式应为 字段=列名：%(p)s") % {"p": pair})
        mapping[field.strip()] = header.strip()
    return mapping


def handle(options: dict[str, Any], stdout: TextIO) -> None:
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(_("找不到文件：%(p)s") % {"p": path})
    user = acting_user(options["user"])
    data = path.read_bytes()
    source = options["source"] or path.stem
    kind = options["kind"]

    def headers() -> list[str]:
        from jiuzhu.matching.services.datasets import read_upload

        return read_upload(data, path.name)[0].columns

    try:
        mapping = _mapping(kind, options["map"], source, headers)
        ds = dataset_import(actor=user, kind=kind, source=source, data=data, filename=path.name, mapping=mapping,
                            received_on=options["received"])  # fmt: skip
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages)) from None
    stdout.write(
        _("已导入 %(k)s（%(s)s）：%(n)d 行") % {"k": ds.get_kind_display(), "s": ds.source, "n": ds.row_count} + "\n"
    )
    if ds.bad_rows:
        stdout.write(
            _("%(e)d 行有错误未导入，错误报告：%(p)s") % {"e": ds.bad_rows, "p": data_root() / ds.report_path} + "\n"
        )
