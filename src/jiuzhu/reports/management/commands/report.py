from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.core.commands import TextHelpCommand
from jiuzhu.payments.models import first_of_month
from jiuzhu.regions.models import Level, Region
from jiuzhu.reports.services.snapshots import snapshot_build, snapshot_months

HELP = """The county's statistics (统计报表).

  jiuzhu report snapshot --month 2026-11 [--through 2026-12] [--quiet]
  jiuzhu report monthly  --month 2026-11 [--region CODE] --out DIR

snapshot (re)builds the month's statistics for every region from the approved payrolls (a job does it after
each payroll approved or reconciled); --through rebuilds every month up to that one. Rebuilding replaces.

monthly writes the month's civil-affairs tables (月报表_<region>_<YYYY-MM>.xlsx: sheets 城市低保, 农村低保,
特困, 临时救助, 医疗救助, rows by region) and the printable report with its charts and summary sentences
(月度统计报告_<region>_<YYYY-MM>.pdf) into DIR. --region defaults to the county (the highest region held)."""


def _month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value + "-01" if len(value) == 7 else value).replace(day=1)
    except ValueError:
        raise ArgumentTypeError(_("月份格式应为 YYYY-MM：%(v)s") % {"v": value}) from None


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        snap = sub.add_parser("snapshot")
        snap.add_argument("--month", required=True, type=_month, help="YYYY-MM")
        snap.add_argument("--through", type=_month, default=None, help="YYYY-MM: every month up to it")
        snap.add_argument("--quiet", action="store_true", help="no progress bar")
        monthly = sub.add_parser("monthly")
        monthly.add_argument("--month", required=True, type=_month, help="YYYY-MM")
        monthly.add_argument("--region", metavar="CODE", default="")
        monthly.add_argument("--out", required=True, type=Path, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "snapshot":
                self._snapshot(options)
            else:
                self._monthly(options)
        except (PermissionDenied, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None

    def _snapshot(self, options: dict[str, Any]) -> None:
        months = snapshot_months(first=options["month"], last=options["through"] or options["month"])
        bar = tqdm(total=100 * len(months), disable=options["quiet"], unit="%", desc=_("统计快照"))
        total = 0
        for i, month in enumerate(months):

            def progress(percent: int, _stage: str, base: int = 100 * i) -> None:
                bar.update(base + percent - bar.n)

            rows = snapshot_build(month=month, progress=progress)
            total += rows
            self.stdout.write(_("%(m)s：%(n)d 行") % {"m": f"{month:%Y-%m}", "n": rows})
        bar.close()

    def _region(self, code: str) -> Region:
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(_("区划代码不存在：%(c)s") % {"c": code})
            return region
        region = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
        if region is None:
            raise CommandError(_("尚未建立区划"))
        return region

    def _monthly(self, options: dict[str, Any]) -> None:
        from jiuzhu.reports.exports import monthly_pdf, monthly_xlsx

        region = self._region(options["region"])
        month = first_of_month(options["month"])
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        xlsx = monthly_xlsx(region=region, month=month, path=out / f"月报表_{region.code}_{month:%Y-%m}.xlsx")
        pdf_path = out / f"月度统计报告_{region.code}_{month:%Y-%m}.pdf"
        pdf_path.write_bytes(monthly_pdf(region=region, month=month))
        self.stdout.write(str(xlsx))
        self.stdout.write(str(pdf_path))
