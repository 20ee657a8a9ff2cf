from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.accounts.cli import command_user
from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.commands import TextHelpCommand
from jiuzhu.core.tabular import RowError, write_error_report

HELP = """Import a roster or a region list from xlsx or CSV (UTF-8 or GBK).

  jiuzhu import households FILE   one row per person, Chinese headers as in the template
                                  (download it from the import page: 批量导入 → 下载模板)
  jiuzhu import regions FILE      区划代码, 名称[, 城乡分类代码]

Every row is checked first; if any is invalid nothing is written, an xlsx error report (行号, 列, 值, 问题)
is written and its path printed, and the command exits with status 1.

--user: by default the import runs as the system operator, who already holds the server and its
database, so no region limit applies and the audit log records "system". Give --user to import on behalf
of a member of staff: their role must allow imports, every village must lie in their region, duplicates
outside it are reported without saying where, and the audit log names them."""


class Command(TextHelpCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["households", "regions"], help="what the file holds")
        parser.add_argument("file", type=Path, help="xlsx or CSV file")
        parser.add_argument("--user", metavar="USERNAME", help="import as this user, within their region")
        parser.add_argument(
            "--report",
            type=Path,
            metavar="PATH",
            help="where to write the error report (default: FILE's folder, else the data folder)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--max-rows",
            type=int,
            metavar="N",
            help="refuse a file of more than N rows (default: JIUZHU_IMPORT_MAX_ROWS, 300 000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("无法读取文件 %(f)s：%(e)s") % {"f": path, "e": exc.strerror}) from None
        actor = command_user(options["user"])
        try:
            if options["kind"] == "regions":
                errors = self._regions(actor, data, path)
            else:
                errors = self._households(actor, data, path, quiet=options["quiet"], max_rows=options["max_rows"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if errors:
            report = self._write_report(errors, path, options["report"])
            self.stdout.write(_("错误报告：%(p)s") % {"p": report})
            raise CommandError(
                _("有 %(n)d 处错误，未导入任何数据。请按错误报告修改后重新导入。") % {"n": len(errors)}, returncode=1
            )

    def _households(
        self, actor: User | None, data: bytes, path: Path, *, quiet: bool, max_rows: int | None
    ) -> list[RowError]:
        from jiuzhu.registry.importer import household_import

        with tqdm(total=100, unit="%", disable=quiet, bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}") as bar:

            def progress(stage: str, fraction: float) -> None:
                bar.set_description_str(stage)
                bar.update(round(fraction * 100) - bar.n)

            result = household_import(
                actor=actor, data=data, filename=path.name, source=str(path), progress=progress, max_rows=max_rows
            )
        if result.errors:
            return result.errors
        message = _("已导入 %(h)d 户 %(p)d 人") % {"h": result.households, "p": result.persons}
        if result.upgraded:
            message += _("（其中 %(n)d 个15位身份证号已升级为18位）") % {"n": result.upgraded}
        self.stdout.write(self.style.SUCCESS(message))
        return []

    def _regions(self, actor: User | None, data: bytes, path: Path) -> list[RowError]:
        from jiuzhu.regions.services import region_import

        if actor is not None and not actor.has_capability(Capability.MANAGE_REGIONS):
            raise CommandError(_("用户 %(u)s 的角色无权管理行政区划") % {"u": actor.username})
        result = region_import(actor=actor, data=data, filename=path.name)
        if result.errors:
            return result.errors
        self.stdout.write(
            self.style.SUCCESS(_("行政区划：新增 %(c)d，更新 %(u)d") % {"c": result.created, "u": result.updated})
        )
        return []

    def _write_report(self, errors: list[RowError], source: Path, chosen: Path | None) -> Path:
        if chosen is not None:
            return write_error_report(chosen, errors).resolve()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"{source.stem}-错误报告-{stamp}.xlsx"
        # Beside the clerk's file is where they will look; a read-only folder falls back to the data dir.
        for folder in (source.resolve().parent, Path(settings.DATA_DIR) / "reports"):
            try:
                return write_error_report(folder / name, errors).resolve()
            except OSError:
                continue
        raise CommandError(_("无法写入错误报告"))
