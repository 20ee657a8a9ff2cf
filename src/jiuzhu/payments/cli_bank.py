"""The bank subcommands of `jiuzhu payroll` (export, returns). Helper "bank" replaces this placeholder: the
command's dispatch calls `register` to add subparsers and `run` for any subcommand it does not know."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Adds the bank's subcommands to `jiuzhu payroll`. Placeholder: none."""


def run(options: dict[str, Any], stdout: Any) -> bool:  # noqa: ARG001 - the placeholder runs nothing
    """Runs a bank subcommand; False when `options["action"]` is not one of them."""
    return False
