from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentTypeError
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.accounts.cli import command_region, command_user
from jiuzhu.accounts.models import User
from jiuzhu.core.commands import TextHelpCommand
from jiuzhu.core.scope import prefix_q
from jiuzhu.payments import cli_bank, selectors, services
from jiuzhu.payments.models import Payroll, PayrollLine, first_of_month
from jiuzhu.payments.services.payroll import fen_to_yuan
from jiuzhu.regions.models import Region

HELP = """The month's payroll (资金发放).

  jiuzhu payroll generate --month 2027-01 [--program CODE] [--region CODE] [--user NAME]
  jiuzhu payroll check    --month 2027-01 [--program CODE] [--region CODE] --user NAME
  jiuzhu payroll approve  --month 2027-01 [--program CODE] [--region CODE] --user NAME
  jiuzhu payroll show     --month 2027-01 [--region CODE] [--format table|json] [--user NAME]

--region defaults to the user's region, else the county. Generating again prints the existing payroll.
check and approve need a named user (maker-checker: never the one who generated it).

show prints every line of the month's payrolls (a contract other tools rely on): household number,
programme, kind, the month it covers (YYYY-MM) and the amount in yuan with two decimals; as JSON an object
{"month", "count", "total", "lines": [{"household", "program", "kind", "service_month", "amount", "status"}]}
with amounts as strings, so no tool ever reads money as a float."""


def _month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value + "-01" if len(value) == 7 else value).replace(day=1)
    except ValueError:
        # argparse turns this into a usage error (status 2), not a traceback.
        raise ArgumentTypeError(_("月份格式应为 YYYY-MM：%(v)s") % {"v": value}) from None


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("generate", "check", "approve", "show"):
            p = sub.add_parser(name)
            p.add_argument("--month", required=True, type=_month, help="YYYY-MM")
            p.add_argument("--region", metavar="CODE", default="", help="county or township code")
            p.add_argument("--user", metavar="USERNAME", default="")
            if name != "show":
                p.add_argument("--program", metavar="CODE", default="", help="one programme (default: all)")
            else:
                p.add_argument("--format", choices=["table", "json"], default="table")
            if name == "generate":
                p.add_argument("--quiet", action="store_true", help="no progress bar")
        # The bank's subcommands (export, returns) live in their own module.
        cli_bank.register(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if cli_bank.run(options, self.stdout):
                return
            action = options["action"]
            if action == "show":
                self._show(options)
            elif action == "generate":
                self._generate(options)
            else:
                self._step(options)
        except (PermissionDenied, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None

    def _user(self, username: str, *, required: bool) -> User | None:
        if not username and required:
            raise CommandError(_("复核和审批须由具名用户进行，请用 --user 指定"))
        return command_user(username)

    def _generate(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"], required=False)
        region = command_region(options["region"], user)
        bar = tqdm(total=100, disable=options["quiet"], unit="%", desc=_("生成发放批次"))

        def progress(percent: int, stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(percent - bar.n)

        payroll = services.payroll_generate(
            actor=user, month=options["month"], region=region, program=options["program"], progress=progress
        )
        bar.close()
        self._summary(payroll)

    def _step(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"], required=True)
        region = command_region(options["region"], user)
        payroll = Payroll.objects.filter(month=options["month"], region=region, program=options["program"]).first()
        if payroll is None:
            raise CommandError(_("没有该月的发放批次，请先生成"))
        step = services.payroll_check if options["action"] == "check" else services.payroll_approve
        self._summary(step(actor=user, payroll=payroll))  # type: ignore[arg-type]

    def _summary(self, payroll: Payroll) -> None:
        self.stdout.write(
            _("%(p)s %(s)s：%(n)d 笔，合计 %(t)s 元")
            % {
                "p": payroll,
                "s": payroll.get_status_display(),
                "n": payroll.line_count,
                "t": fen_to_yuan(payroll.total_fen),
            }
        )

    def _show(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"], required=False)
        month = first_of_month(options["month"])
        lines = PayrollLine.objects.filter(payroll__month=month)
        prefix = Region.objects.filter(code=options["region"].ljust(12, "0")).first() if options["region"] else None
        if options["region"] and prefix is None:
            raise CommandError(_("区划 %(c)s 不存在") % {"c": options["region"]})
        if user is not None:
            lines = selectors.payroll_lines_of_month(user=user, month=month)
        if prefix is not None:
            lines = lines.filter(prefix_q(prefix.prefix))
        rows = list(
            lines.order_by("region_code", "household__number", "program", "service_month", "kind", "id").values_list(
                "household__number", "program", "kind", "service_month", "amount_fen", "status"
            )
        )
        total = sum(r[4] for r in rows)
        if options["format"] == "json":
            doc = {
                "month": f"{month:%Y-%m}",
                "count": len(rows),
                "total": str(fen_to_yuan(total)),
                "lines": [
                    {
                        "household": number,
                        "program": program,
                        "kind": kind,
                        "service_month": f"{service:%Y-%m}",
                        "amount": str(fen_to_yuan(fen)),
                        "status": status,
                    }
                    for number, program, kind, service, fen, status in rows
                ],
            }
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1))
            return
        self.stdout.write("household\tprogram\tkind\tservice_month\tamount")
        for number, program, kind, service, fen, _status in rows:
            self.stdout.write(f"{number}\t{program}\t{kind}\t{service:%Y-%m}\t{fen_to_yuan(fen)}")
        self.stdout.write(_("合计：%(n)d 笔，%(t)s 元") % {"n": len(rows), "t": fen_to_yuan(total)})
