"""jiuzhu calc INPUT.json [--date YYYY-MM-DD]: the decisions for the households of a JSON file."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuzhu.policy.calc import CalcInputError, run


class Command(BaseCommand):
    help = (
        "Evaluate every monthly programme for the households of INPUT.json ('-' for stdin) and print JSON. "
        "Parameters are the shipped defaults plus the file's 'parameters' overrides. Exit status 2 on "
        "malformed input, with a message naming the household, member and field."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="INPUT.json, or - for standard input")
        parser.add_argument("--date", help="evaluation date YYYY-MM-DD (overrides the file's date)")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            date = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            self._fail(f"--date：应为日期 YYYY-MM-DD，收到 {options['date']!r}")
        source = options["input"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            self._fail(f"无法读取 {source}：{exc.strerror}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail(f"{source} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}")
        try:
            result = run(data, date=date)
        except CalcInputError as exc:
            self._fail(str(exc))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))

    def _fail(self, message: str) -> None:
        # The contract is exit status 2, which CommandError (status 1) cannot give.
        self.stderr.write(f"jiuzhu calc: {message}")
        sys.exit(2)
