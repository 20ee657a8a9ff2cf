from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.core.audit import audit_verify
from jiuzhu.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Audit log tools. `jiuzhu audit verify`: recompute the keyed hash chain and hold it against the signed "
        "anchors outside the database; exit 1 naming the first broken entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEntry.objects.count()
        with tqdm(total=total, unit=_("条"), disable=options["quiet"] or total < 1000) as bar:
            result = audit_verify(progress=bar.update)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(_("审计日志完整：已校验 %(n)d 条") % {"n": result.checked}))
            return
        reasons = {
            "content": _("内容被修改"),
            "link": _("与前一条的链接被破坏"),
            "missing": _("记录缺失或被删除"),
            "anchor": _("与库外锚点不符：日志被截断、回滚或重写"),
            "forged_anchor": _("库外锚点文件中该行签名不符（锚点被伪造）"),
            "unanchored": _("库外锚点文件缺失"),
        }
        raise CommandError(
            _("审计日志校验失败：第 %(seq)d 条%(why)s（此前 %(n)d 条完好）")
            % {
                "seq": result.broken_seq,
                "why": reasons.get(result.reason, result.reason),
                "n": result.checked,
            }
        )
