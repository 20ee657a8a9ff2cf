from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.core.commands import TextHelpCommand
from jiuzhu.core.keys import DEFAULT_BATCH, KeyringError, keys_retire, keys_rotate, keys_status


class Command(TextHelpCommand):
    help = """Rotate the key that encrypts personal data (ID numbers, phones, bank accounts, certificates).

  jiuzhu keys status                   which keys are in the ring, how many values each holds, how far a
                                       rotation has come
  jiuzhu keys rotate [--batch 1000]    add a new current key and re-encrypt every value under it, in batches
                                       of N rows per transaction; run it again after a kill or an error and it
                                       resumes where it stood. The service keeps running (it re-reads the key
                                       file within a second) and finds every person by ID number throughout.
  jiuzhu keys retire                   remove the old key once no value uses it (--drop-query-codes voids the
                                       online query codes issued under it: they cannot be re-hashed)

Back up the key file (pii_key, now holding every key of the ring) before and after a rotation, apart from the
database backups: a backup taken before the rotation needs the old key to be restored."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate", "retire"])
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="rows per transaction (rotate)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--drop-query-codes", action="store_true", help="retire: void old query codes")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = f"jiuzhu keys ({getpass.getuser()})"
        try:
            if options["action"] == "status":
                self._status()
            elif options["action"] == "rotate":
                self._rotate(actor, options["batch"], options["quiet"])
            else:
                retired = keys_retire(actor=actor, drop_secrets=options["drop_query_codes"])
                self.stdout.write(
                    self.style.SUCCESS(_("已停用旧密钥：%(k)s") % {"k": "、".join(str(i) for i in retired)})
                )
        except KeyringError as exc:
            raise CommandError(str(exc)) from None

    def _rotate(self, actor: str, batch: int, quiet: bool) -> None:
        bars: dict[str, tqdm[Any]] = {}

        def progress(table: str, done: int, total: int) -> None:
            bar = bars.get(table)
            if bar is None:
                for other in bars.values():  # one bar at a time: the table before is done
                    other.close()
                bar = bars[table] = tqdm(total=total, desc=table, unit=_("行"), disable=quiet)
            bar.total = max(total, done)
            bar.update(done - bar.n)

        try:
            result = keys_rotate(actor=actor, batch=batch, progress=progress)
        finally:
            for bar in bars.values():
                bar.close()
        said = _("继续完成") if result.resumed else _("完成")
        self.stdout.write(
            self.style.SUCCESS(
                _("密钥轮换%(s)s：当前密钥 %(k)d，重新加密 %(n)d 行（%(p)d 遍）。旧密钥可用 jiuzhu keys retire 停用")
                % {"s": said, "k": result.key_id, "n": result.rewritten, "p": result.passes}
            )
        )

    def _status(self) -> None:
        status = keys_status()
        for key in status.keys:
            role = _("当前") if key.current else _("旧")
            self.stdout.write(
                _("密钥 %(k)d（%(r)s，指纹 %(f)s）：%(n)d 项数据")
                % {"k": key.key_id, "r": role, "f": key.fingerprint, "n": key.values}
            )
            for where, n in sorted(key.detail.items()):
                self.stdout.write(f"    {where}: {n}")
        for state in status.rotations:
            where = _("已完成") if state.finished_at else _("进行中")
            total = max(state.total, state.scanned, 1)
            self.stdout.write(
                _("轮换至密钥 %(k)d · %(t)s：%(d)d/%(n)d 行（%(p)d%%），%(w)s")
                % {
                    "k": state.key_id,
                    "t": state.table,
                    "d": state.scanned,
                    "n": state.total,
                    "p": 100 * state.scanned // total,
                    "w": where,
                }
            )
        for where, n in sorted(status.orphans.items()):
            self.stdout.write(self.style.ERROR(_("%(w)s：%(n)d 项数据所用密钥不在密钥环中") % {"w": where, "n": n}))
