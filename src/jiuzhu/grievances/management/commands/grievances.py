from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuzhu.core.commands import TextHelpCommand, date_arg
from jiuzhu.grievances.services import grievances_escalate
from jiuzhu.regions.models import Region

HELP = """The grievance desk (投诉举报).

  jiuzhu grievances escalate [--date YYYY-MM-DD] [--region CODE]

escalate flags every open grievance whose deadline has passed unanswered (超期督办): it appears on the county's
list and in its timeline. Run it daily (cron, or the worker's schedule); a second run the same day flags
nothing again. --date defaults to today; --region limits it to one county or township."""


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("escalate")
        p.add_argument("--date", type=date_arg, default=None, help="YYYY-MM-DD (default: today)")
        p.add_argument("--region", metavar="CODE", default="", help="a region code prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = ""
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(_("没有区划代码 %(c)s") % {"c": options["region"]})
            prefix = region.prefix
        flagged = grievances_escalate(on=options["date"], region_code=prefix)
        self.stdout.write(_("列入超期督办 %(n)s 件") % {"n": len(flagged)})
        for g in flagged:
            self.stdout.write(f"  {g.number}  {g.get_kind_display()}  {g.due_date.isoformat()}")
