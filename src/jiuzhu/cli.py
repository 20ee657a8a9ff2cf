"""The `jiuzhu` command: every Django management command with the project's settings."""

from __future__ import annotations

import os
import sys

from jiuzhu import datadir


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    # Before Django reads the settings: they only read the keys, this makes them on a fresh clone.
    datadir.prepare()
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["jiuzhu", *argv])
    args[0] = "jiuzhu"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
