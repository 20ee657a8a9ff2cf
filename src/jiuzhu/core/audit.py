"""The audit log: append entries, verify the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.core.models import AuditAction, AuditEntry, AuditHead

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    """What the JSON column will give back, so the hash computed now is the hash recomputed later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _digest(
    *,
    seq: int,
    created_at: dt.datetime,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    region_code: str,
    summary: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    body = json.dumps(
        [
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_name,
            action,
            object_type,
            object_id,
            region_code,
            summary,
            before,
            after,
            prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    object_type: str = "",
    object_id: object = "",
    region_code: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so a rolled-back write leaves no entry."""
    actor_obj = actor if getattr(actor, "pk", None) else None
    actor_name = getattr(actor, "username", "") if actor_obj else (actor if isinstance(actor, str) else "")
    before_j, after_j = _jsonable(before), _jsonable(after)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        now = timezone.now()
        fields = {
            "seq": seq,
            "created_at": now,
            "actor_name": actor_name,
            "action": str(action),
            "object_type": object_type,
            "object_id": str(object_id),
            "region_code": region_code,
            "summary": summary[:500],
            "before": before_j,
            "after": after_j,
            "prev_hash": head.hash,
        }
        digest = _digest(**fields)
        entry = AuditEntry.objects.create(actor=actor_obj, hash=digest, **fields)
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, progress: Any = None) -> VerifyResult:
    """Recompute every entry's hash in order; the first entry that was edited, removed or inserted
    out of turn breaks the chain."""
    head = AuditHead.objects.filter(pk=1).first()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    rows: Iterator[AuditEntry] = AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
    for entry in rows:
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing")
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, "link")
        recomputed = _digest(
            seq=entry.seq,
            created_at=entry.created_at,
            actor_name=entry.actor_name,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            region_code=entry.region_code,
            summary=entry.summary,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return VerifyResult(False, checked, entry.seq, "content")
        prev = entry.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(False, checked, checked + 1, "missing")
    return VerifyResult(True, checked)
