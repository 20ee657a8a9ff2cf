"""The audit chain becomes keyed (HMAC with the audit key) and anchored outside the database.

Entries written before carry plain SHA-256 hashes. This migration first checks that old chain end to end (a chain
already broken is not blessed by re-keying it: the migration stops and says where), then recomputes every hash
with the key, in order, and anchors the new head."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import migrations


def _body(row: Any, prev_hash: str) -> str:
    import datetime as dt

    return json.dumps(
        [
            row.seq,
            row.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            row.actor_name,
            row.action,
            row.object_type,
            row.object_id,
            row.region_code,
            row.summary,
            row.before,
            row.after,
            prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def rekey(apps: Any, schema_editor: Any) -> None:
    from jiuzhu.core import audit

    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditHead")
    rows = entry_model.objects.order_by("seq")
    if not rows.exists():
        return
    prev_old, prev_new = audit.GENESIS, audit.GENESIS
    for expected, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        old = hashlib.sha256(_body(row, prev_old).encode()).hexdigest()
        if row.seq != expected or row.prev_hash != prev_old or row.hash != old:
            raise RuntimeError(
                f"审计日志在第 {expected} 条已不完整，不能改为密钥链：请先用旧版本 `jiuzhu audit verify` 查明原因 "
                f"(audit log broken at entry {expected}; investigate before upgrading)"
            )
        new = audit._mac(_body(row, prev_new))
        entry_model.objects.filter(pk=row.pk).update(prev_hash=prev_new, hash=new)
        prev_old, prev_new = old, new
    head_model.objects.filter(pk=1).update(hash=prev_new)
    audit._anchor_append(expected, prev_new)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_holidayoverride")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
