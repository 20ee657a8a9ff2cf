"""`jiuzhu match run [--rules a,b]`: evaluate the anomaly rules and add the new findings."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.matching.cli_common import acting_user
from jiuzhu.matching.rules import RULES
from jiuzhu.matching.services.runs import run_execute

HELP = """Run the cross-check rules (运行数据比对) against the registry and the latest external lists.

  jiuzhu match run [--rules CODE,CODE…] [--user NAME]

Each new suspected problem joins the findings ledger with its township and deadline; running again adds
nothing for a problem still open or judged unfounded. Prints, per rule, the hits and the new findings.
Rules:
""" + "\n".join(f"  {code:<28} {rule.name}" for code, rule in RULES.items())


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--rules", default="", help=_("只运行这些规则（逗号分隔）"))
    parser.add_argument("--user", default="", help=_("以哪个用户的身份运行（默认：县级审批人员）"))


def handle(options: dict[str, Any], stdout: TextIO) -> None:
    user = acting_user(options["user"])
    rules = [r.strip() for r in options["rules"].split(",") if r.strip()]
    with tqdm(total=100, desc=_("比对"), file=sys.stderr, disable=None) as bar:

        def progress(percent: int, stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(percent - bar.n)

        try:
            run = run_execute(actor=user, rules=rules or None, progress=progress)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
    width = max(len(c) for c in run.summary) if run.summary else 0
    for code, counts in run.summary.items():
        stdout.write(f"{code:<{width}}  {_(RULES[code].name)}  " + _("发现 %(f)d，新增 %(n)d") % {
            "f": counts["found"], "n": counts["new"]} + "\n")  # fmt: skip
    total = sum(c["new"] for c in run.summary.values())
    stdout.write(_("比对完成：新增疑似问题 %(n)d 条") % {"n": total} + "\n")
