from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.accounts.cli import command_region, command_user
from jiuzhu.accounts.models import User
from jiuzhu.core.commands import TextHelpCommand, date_arg
from jiuzhu.core.tabular import TableError, read_table
from jiuzhu.monitoring.services import monitoring_scan, poverty_register_enrol
from jiuzhu.regions.models import Region

HELP = """Low-income monitoring (低收入人口动态监测).

  jiuzhu monitoring scan     [--region CODE] [--date YYYY-MM-DD] [--user NAME] [--quiet]
  jiuzhu monitoring register FILE [--region CODE] [--date YYYY-MM-DD] [--user NAME]

scan runs the monitoring rules over every household of the region (default: the user's region, else the
county): 低保, 特困, 低保边缘, 刚性支出困难 households and those below the monitoring income line are
enrolled; every monitored household's warning level (I red, II yellow, III blue) is recomputed; those whose
two-monthly assessment is due get a scheduled assessment. Running it again the same day changes nothing.

register enrols as 防返贫监测 the households named by a poverty register file (xlsx or csv with the columns
id_number, register_number, name, relation)."""


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("scan", "register"):
            p = sub.add_parser(name)
            if name == "register":
                p.add_argument("file")
            p.add_argument("--region", metavar="CODE", default="", help="county or township code")
            p.add_argument("--date", type=date_arg, default=None, help="YYYY-MM-DD (default: today)")
            p.add_argument("--user", metavar="USERNAME", default="")
            p.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        user = command_user(options["user"])
        region = command_region(options["region"], user)
        on = options["date"] or timezone.localdate()
        try:
            if options["action"] == "scan":
                self._scan(user, region, on, quiet=options["quiet"])
            else:
                self._register(user, region, on, options["file"])
        except (PermissionDenied, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None

    def _scan(self, user: User | None, region: Region, on: dt.date, *, quiet: bool) -> None:
        bar = tqdm(total=100, disable=quiet, unit="%", desc=_("监测筛查"))

        def progress(stage: str, fraction: float) -> None:
            bar.set_postfix_str(stage)
            bar.update(int(fraction * 100) - bar.n)

        result = monitoring_scan(actor=user, region=region, on=on, progress=progress)
        bar.close()
        self.stdout.write(
            _("%(r)s %(d)s：筛查 %(h)d 户，新纳入 %(e)d 户，等级或类别变化 %(c)d 户，定期评估 %(a)d 户")
            % {"r": region.name, "d": on, "h": result.households, "e": result.enrolled, "c": result.changed,
               "a": result.assessed}
        )  # fmt: skip

    def _register(self, user: User | None, region: Region, on: dt.date, file: str) -> None:
        try:
            frame, _encoding = read_table(Path(file).read_bytes(), file)
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from None
        r = poverty_register_enrol(actor=user, region=region, frame=frame, on=on)
        self.stdout.write(
            _("名单 %(n)d 行：匹配 %(h)d 户，新纳入 %(e)d 户，已在监测中标记 %(f)d 户，未匹配 %(u)d 行")
            % {"n": r.rows, "h": r.households, "e": r.enrolled, "f": r.flagged, "u": r.unmatched}
        )
