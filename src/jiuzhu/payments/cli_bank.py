"""The bank subcommands of `jiuzhu payroll` (the command module dispatches here, so that the two halves stay
in their own files):

  jiuzhu payroll export --month 2027-01 --layout nongshang_txt --out DIR [--region CODE] [--program CODE]
  jiuzhu payroll returns FILE [--layout NAME] [--payroll ID]

--user NAME: act as that user, within their region; without it the system operator, who holds the server.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from jiuzhu.accounts.cli import command_user
from jiuzhu.payments.bankfiles.export import bank_file_export
from jiuzhu.payments.bankfiles.layouts import BankFileError, fen_text, layouts_all
from jiuzhu.payments.bankfiles.returns import bank_return_import
from jiuzhu.payments.models import Payroll, PayrollStatus


class _Out(Protocol):
    def write(self, msg: str, /) -> object: ...


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(_("月份应写作 YYYY-MM，如 2027-01")) from None


def register(subparsers: Any) -> None:
    names = ", ".join(layout.name for layout in layouts_all())
    export = subparsers.add_parser("export", help=_("导出已审批发放批次的银行代发文件"))
    export.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    export.add_argument("--layout", required=True, help=names)
    export.add_argument("--out", required=True, type=Path, help=_("写入的目录"))
    export.add_argument("--region", default="", help=_("区划代码（默认：该月所有已审批批次）"))
    export.add_argument("--program", default=None, help=_("救助项目代码"))
    export.add_argument("--user", default="", help=_("以该用户身份，在其区划内"))
    export.set_defaults(bank_command="export")
    returns = subparsers.add_parser("returns", help=_("导入银行回盘文件"))
    returns.add_argument("file", type=Path)
    returns.add_argument("--layout", default=None, help=names)
    returns.add_argument("--payroll", type=int, default=None, help=_("发放批次编号（核对回盘属于该批次）"))
    returns.add_argument("--user", default="", help=_("以该用户身份，在其区划内"))
    returns.set_defaults(bank_command="returns")


def _export(options: dict[str, Any], out: _Out) -> None:
    actor = command_user(options["user"])
    payrolls = Payroll.objects.filter(month=options["month"], status=PayrollStatus.APPROVED).select_related("region")
    if options["region"]:
        payrolls = payrolls.filter(region_code=options["region"])
    if options["program"] is not None:
        payrolls = payrolls.filter(program=options["program"])
    if not payrolls:
        raise CommandError(_("%(m)s 没有待导出的已审批发放批次") % {"m": f"{options['month']:%Y-%m}"})
    directory: Path = options["out"]
    directory.mkdir(parents=True, exist_ok=True)
    for payroll in payrolls:
        bank_file, data = bank_file_export(actor=actor, payroll=payroll, layout=options["layout"])
        (directory / bank_file.filename).write_bytes(data)
        out.write(
            _("%(f)s：%(n)s笔，合计%(t)s元")
            % {
                "f": directory / bank_file.filename,
                "n": bank_file.line_count,
                "t": fen_text(bank_file.total_fen, "yuan"),
            }
        )


def _returns(options: dict[str, Any], out: _Out) -> None:
    actor = command_user(options["user"])
    path: Path = options["file"]
    if not path.is_file():
        raise CommandError(_("文件 %(p)s 不存在") % {"p": path})
    payroll = Payroll.objects.filter(pk=options["payroll"]).first() if options["payroll"] else None
    result = bank_return_import(
        actor=actor, data=path.read_bytes(), filename=path.name, layout=options["layout"], payroll=payroll
    )
    if not result.created:
        out.write(_("该回盘文件已导入过，未作任何改动"))
        return
    out.write(_("成功%(p)s笔，失败%(f)s笔") % {"p": result.paid, "f": result.failed})
    if result.reconciled:
        out.write(_("发放批次已对账"))


def run(options: dict[str, Any], stdout: _Out) -> bool:
    """True when the subcommand was one of these; a refused file or payroll is a CommandError."""
    command = options.get("bank_command")
    if command not in ("export", "returns"):
        return False
    try:
        (_export if command == "export" else _returns)(options, stdout)
    except BankFileError as exc:
        raise CommandError(exc.message) from None
    except (PermissionDenied, Http404):
        raise CommandError(
            _("用户 %(u)s 无权导出银行文件或导入回盘，或该批次不在其区划内") % {"u": options["user"]}
        ) from None
    return True
