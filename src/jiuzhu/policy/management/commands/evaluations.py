from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.commands import TextHelpCommand, date_arg
from jiuzhu.policy.rules import ParameterError
from jiuzhu.policy.services import evaluations_refresh
from jiuzhu.regions.models import Level, Region

HELP = """The households' stored evaluations (资格测算结果), which the household page shows.

  jiuzhu evaluations refresh [--region CODE] [--date YYYY-MM-DD]

refresh evaluates every household under the region (default: every county) on the date (default: today) in
bulk and stores the results. Run it nightly (cron, or the worker's schedule): ages and dates move, and a page
that finds its household's result computed for another day or from other input recomputes it itself, which is
correct but slower. A parameter change queues the same refresh for its region."""


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("refresh")
        p.add_argument("--date", type=date_arg, default=None, help="YYYY-MM-DD (default: today)")
        p.add_argument("--region", metavar="CODE", default="", help="a region code (default: every county)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        if options["region"]:
            regions = list(Region.objects.filter(code=options["region"]))
            if not regions:
                raise CommandError(_("没有区划代码 %(c)s") % {"c": options["region"]})
        else:
            regions = list(Region.objects.filter(level=Level.COUNTY).order_by("code"))
        for region in regions:
            try:
                n = evaluations_refresh(region=region, date=day)
            except ParameterError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("%(r)s：已测算 %(n)s 户（%(d)s）") % {"r": region.name, "n": n, "d": day.isoformat()})
