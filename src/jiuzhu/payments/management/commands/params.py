"""jiuzhu params: a dated parameter value, and the 提标 apply that follows it.

It lives in payments because `apply` re-decides entitlements, and policy stands below payments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.accounts.cli import command_user
from jiuzhu.accounts.models import User
from jiuzhu.core.commands import TextHelpCommand
from jiuzhu.payments.services.recompute import entitlements_recompute
from jiuzhu.policy.rules import PARAMETER_SPECS
from jiuzhu.policy.services import parameter_add
from jiuzhu.regions.models import Region

HELP = """Standards and parameters from the command line.

  jiuzhu params set KEY VALUE --region CODE --from YYYY-MM-DD --source TEXT
        a new value of KEY for the region from that date (提标), as the 标准与参数 page saves it
  jiuzhu params apply KEY --region CODE --from YYYY-MM-DD
        re-decide the running entitlements under the region after the saved change of that date: rises
        from that month on (back pay follows in the next payroll), falls listed for a person to decide

--user: by default the command runs as the system operator and the audit log records "system"; give
--user to act as a member of staff, whose role and region must allow it."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(d)s") % {"d": text}) from None


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        put = sub.add_parser("set", help="a dated value of a parameter")
        put.add_argument("key")
        put.add_argument("value")
        put.add_argument("--source", required=True, help="the document (文号) the value comes from")
        apply = sub.add_parser("apply", help="re-decide entitlements after a saved change")
        apply.add_argument("key")
        for p in (put, apply):
            p.add_argument("--region", required=True, metavar="CODE", help="12-digit region code")
            p.add_argument("--from", dest="effective_from", required=True, metavar="YYYY-MM-DD")
            p.add_argument("--user", metavar="USERNAME", help="act as this user, within their region")
        apply.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(_("区划 %(c)s 不存在") % {"c": options["region"]})
        actor = command_user(options["user"])
        day = _date(options["effective_from"])
        try:
            if options["action"] == "set":
                self._set(actor, region, options["key"], options["value"], day, options["source"])
            else:
                self._apply(actor, region, options["key"], day, quiet=options.get("quiet", False))
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("；".join(m for ms in exc.message_dict.values() for m in ms)) from None

    def _set(self, actor: User | None, region: Region, key: str, value: str, day: dt.date, source: str) -> None:
        row = parameter_add(actor=actor, region=region, key=key, value=value, effective_from=day, source=source)
        value = row.value
        self.stdout.write(
            self.style.SUCCESS(
                _("%(label)s（%(key)s）自 %(d)s 起为 %(v)s：%(r)s")
                % {"label": PARAMETER_SPECS[key].label, "key": key, "d": day, "v": value, "r": region.name}
            )
        )

    def _apply(self, actor: User | None, region: Region, key: str, day: dt.date, *, quiet: bool) -> None:
        bar = tqdm(total=100, disable=quiet, unit="%", desc=_("提标重新核定"))

        def progress(percent: int, stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(percent - bar.n)

        try:
            result = entitlements_recompute(actor=actor, key=key, region=region, effective_from=day, progress=progress)
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "自 %(m)s 起重新核定：测算 %(e)d 项待遇，调高 %(n)d 项（每月增加 %(a)s 元），"
                    "未变 %(u)d 项，此前已调 %(k)d 项"
                )
                % {
                    "m": f"{result.effective_month:%Y-%m}",
                    "e": result.evaluated,
                    "n": result.raised,
                    "a": result.monthly_increase,
                    "u": result.unchanged,
                    "k": result.already,
                }
            )
        )
        if result.for_decision:
            self.stdout.write(_("待人工核定 %(n)d 项：") % {"n": len(result.for_decision)})
            for row in result.for_decision:
                self.stdout.write(f"  {row.number}\t{row.program}\t{row.current} → {row.proposed}\t{row.why}")
