"""The audit log: append entries, anchor the chain outside the database, verify both.

Each entry's hash is an HMAC (settings.AUDIT_KEY, a key file outside the database) over its content and the
previous hash: whoever can write the database but lacks the key can neither forge an entry nor recompute the
chain after editing one. What a keyed chain alone cannot show is an entry removed from its end, or the whole
database rolled back to an older copy: so after every commit the new head is appended, signed with the same key,
to an anchor file outside the database (settings.AUDIT_ANCHOR_FILE). `audit_verify` checks the chain, then that
every anchor is signed and names an entry that is still there, with the same hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from jiuzhu.core.models import AuditAction, AuditEntry, AuditHead

GENESIS = "0" * 64


@lru_cache(maxsize=4)
def _key_bytes(key_hex: str) -> bytes:
    try:
        raw = bytes.fromhex(key_hex)
    except ValueError:
        raise ImproperlyConfigured(
            "AUDIT_KEY is not a hex key: run any `jiuzhu` command once to create <data dir>/audit_key, "
            "or point JIUZHU_AUDIT_KEY_FILE at the county's key"
        ) from None
    if len(raw) < 16:
        raise ImproperlyConfigured("AUDIT_KEY is shorter than 16 bytes")
    return raw


def _mac(body: str) -> str:
    return hmac.new(_key_bytes(settings.AUDIT_KEY), body.encode(), hashlib.sha256).hexdigest()


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
    return _mac(body)


# ── anchors: signed checkpoints of the head, outside the database ──


def _anchor_signature(seq: int, digest: str, at: str) -> str:
    return _mac(f"anchor|{seq}|{digest}|{at}")


def audit_reanchor(*, reason: str) -> Path | None:
    """After a deliberate restore of an older copy: the anchor file that describes the newer history is set
    aside (kept, renamed with the time and the reason) and the restored head is anchored afresh. Only whoever
    holds the audit key and the anchor file can do this; an insider rolling the database back cannot."""
    path = Path(settings.AUDIT_ANCHOR_FILE)
    kept = None
    if path.exists():
        stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = path.with_name(f"{path.name}.{stamp}.{reason}")
        path.rename(kept)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq:
        _anchor_append(head.seq, head.hash)
    return kept


def _anchor_append(seq: int, digest: str) -> None:
    """One line per committed entry: `seq hash time signature`. O_APPEND keeps lines whole when several
    processes append; the file is created 0600."""
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    line = f"{seq}\t{digest}\t{at}\t{_anchor_signature(seq, digest, at)}\n"
    path = Path(settings.AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Anchors:
    hashes: dict[int, str]  # seq → hash, as signed
    forged_line: int | None = None  # the first line whose signature does not match (1-based)


def _anchors_read() -> Anchors | None:
    """None when there is no anchor file."""
    path = Path(settings.AUDIT_ANCHOR_FILE)
    if not path.exists():
        return None
    hashes: dict[int, str] = {}
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4 or not parts[0].isdigit():
                return Anchors(hashes, number)
            seq, digest, at, signature = int(parts[0]), parts[1], parts[2], parts[3]
            if not hmac.compare_digest(signature, _anchor_signature(seq, digest, at)):
                return Anchors(hashes, number)
            hashes[seq] = digest
    return Anchors(hashes)


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
        # Anchored once the entry is really there: a rolled-back write leaves neither entry nor anchor.
        transaction.on_commit(lambda: _anchor_append(seq, digest))
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""  # content, link, missing; anchor (an anchored entry is gone or differs), forged_anchor,
    # unanchored (entries exist but the anchor file is gone)


def audit_verify(*, progress: Any = None, using: str = "default", backup: bool = False) -> VerifyResult:
    """Recompute every entry's keyed hash in order (the first entry edited, removed or inserted out of turn
    breaks the chain), and hold each against the anchors written outside the database: entries removed from
    the end, or a database rolled back to an older copy, leave anchors naming entries no longer there.

    `backup=True` verifies a copy taken earlier (restored into the database `using`): its chain must be a true
    prefix of the anchored history, so anchors of entries written after it are expected, not a truncation."""
    anchors = _anchors_read()
    if anchors is not None and anchors.forged_line is not None:
        return VerifyResult(False, 0, anchors.forged_line, "forged_anchor")
    anchored = dict(anchors.hashes) if anchors is not None else {}
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if backup and head is not None:
        anchored = {seq: digest for seq, digest in anchored.items() if seq <= head.seq}
    prev = GENESIS
    expected_seq = 1
    checked = 0
    rows: Iterator[AuditEntry] = AuditEntry.objects.using(using).order_by("seq").iterator(chunk_size=5000)
    for entry in rows:
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing")
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, "link")
        if _entry_digest(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "content")
        if anchored.pop(entry.seq, entry.hash) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "anchor")
        prev = entry.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    if anchored:  # signed checkpoints of entries that are gone: truncated or rolled back
        return VerifyResult(False, checked, min(anchored), "anchor")
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(False, checked, checked + 1, "missing")
    if checked and anchors is None and not backup:
        return VerifyResult(False, checked, 1, "unanchored")
    return VerifyResult(True, checked)


def _entry_digest(entry: AuditEntry) -> str:
    return _digest(
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
