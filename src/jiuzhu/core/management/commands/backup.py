from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuzhu.core.backup import BackupError, backup_create, backup_verify
from jiuzhu.core.commands import TextHelpCommand


class Command(TextHelpCommand):
    help = """Back up the database while jiuzhu keeps serving.

  jiuzhu backup --out /backups            a copy (SQLite online backup, or pg_dump) and its manifest, both 0600
  jiuzhu backup --out /backups --verify   then restore it into a scratch database and run the audit check on it
  jiuzhu backup --verify FILE             verify an existing backup

The keys (pii_key, audit_key) are never in a backup: keep them apart. The manifest names them by fingerprint,
so a restore with the wrong keys is refused before it overwrites anything. Restore with `jiuzhu restore FILE`."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="an existing backup to verify")
        parser.add_argument("--out", help="directory for a new backup")
        parser.add_argument("--verify", action="store_true", help="restore into a scratch database and verify")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["out"]:
                backup = backup_create(out_dir=Path(options["out"]))
                path = backup.path
                seq = backup.manifest["audit_head"]["seq"]
                self.stdout.write(_("已备份到 %(p)s（审计日志至第 %(n)d 条）") % {"p": path, "n": seq})
            elif options["file"] and options["verify"]:
                path = Path(options["file"])
            else:
                raise CommandError(_("请用 --out 目录 新建备份，或用 --verify 文件 校验已有备份"))
            if options["verify"]:
                result = backup_verify(path=path)
                if not result.ok:
                    raise CommandError(
                        _("备份校验失败：第 %(n)s 条（%(r)s）") % {"n": result.broken_seq, "r": result.reason}
                    )
                self.stdout.write(self.style.SUCCESS(_("备份校验通过：审计日志 %(n)d 条完好") % {"n": result.checked}))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
