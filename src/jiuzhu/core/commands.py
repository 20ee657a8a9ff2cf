"""A base for jiuzhu's own commands whose help is a page of text laid out by hand (examples, contracts)."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TextHelpCommand(BaseCommand):
    """`help` is printed as written, line breaks kept, instead of re-wrapped into one paragraph."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser
