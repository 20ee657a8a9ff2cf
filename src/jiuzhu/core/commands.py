"""A base for jiuzhu's own commands whose help is a page of text laid out by hand (examples, contracts)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError, RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class TextHelpCommand(BaseCommand):
    """`help` is printed as written, line breaks kept, instead of re-wrapped into one paragraph."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser


def date_arg(value: str) -> dt.date:
    """An argparse `type` for a YYYY-MM-DD option: a clear message in the user's language, not a traceback."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(_("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": value}) from None
