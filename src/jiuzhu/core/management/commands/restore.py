from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuzhu.core.backup import BackupError, backup_restore
from jiuzhu.core.commands import TextHelpCommand


class Command(TextHelpCommand):
    help = """Replace the database by a backup made with `jiuzhu backup`.

  jiuzhu restore /backups/jiuzhu-20261129T020000Z.sqlite3 --yes

The backup is verified first (restored into a scratch database, its audit chain checked against the keys and
the anchors); the current database is backed up beside it (before-restore/); then the copy replaces it and the
restored audit head is anchored afresh, the anchors of the newer history kept aside, renamed. Stop the web and
worker processes first."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="really replace the current database")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(_("恢复会替换当前数据库：确认请加 --yes"))
        try:
            result = backup_restore(path=Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not result.ok:
            raise CommandError(_("恢复后审计日志校验失败：第 %(n)s 条") % {"n": result.broken_seq})
        self.stdout.write(self.style.SUCCESS(_("已恢复，审计日志 %(n)d 条完好") % {"n": result.checked}))
