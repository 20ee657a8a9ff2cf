"""jiuzhu match SUBCOMMAND: the cross-checks from the command line. Each sub-command is a module of
jiuzhu.matching exposing HELP, `add_arguments(parser)` and `handle(options, stdout)`; adding one is one line
in SUBCOMMANDS."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.core.management.base import CommandParser

from jiuzhu.core.commands import TextHelpCommand

SUBCOMMANDS: dict[str, str] = {
    "link": "jiuzhu.matching.cli_link",
    "import": "jiuzhu.matching.cli_import",
    "run": "jiuzhu.matching.cli_run",
}

HELP = (
    """Cross-checks (数据比对) from the command line:

"""
    + "\n".join(f"  jiuzhu match {name} …" for name in SUBCOMMANDS)
    + """

`jiuzhu match SUBCOMMAND --help` describes each."""
)


def _module(name: str) -> ModuleType:
    return importlib.import_module(SUBCOMMANDS[name])


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for name in SUBCOMMANDS:
            module = _module(name)
            help_text = str(getattr(module, "HELP", ""))
            child = sub.add_parser(name, help=help_text.split("\n", 1)[0], description=help_text)
            child.formatter_class = parser.formatter_class
            module.add_arguments(child)

    def handle(self, *args: Any, **options: Any) -> None:
        _module(options["subcommand"]).handle(options, self.stdout)
