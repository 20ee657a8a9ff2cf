"""PII key rotation: a new current key, every encrypted value re-encrypted in batches, the old key retired
once no row uses it (`jiuzhu keys rotate | status | retire`).

What is encrypted is found, not listed: every model field named `<x>_enc` holds tokens (core.pii), a field
`<x>_hash` beside it holds the lookup hash of the same value (rewritten with it), and a model names its
secret hashes (query codes, which no rotation can recompute since the code is not kept) in
`PII_SECRET_HASHES`. A new app that stores `phone_enc` is rotated without anyone touching this module.

Lookups during a rotation ask for the value's hash under every key of the ring (core.pii.lookup_hashes), so a
row keeps exactly one hash column and is found before, during and after its own rewrite.

Each batch locks its rows, rewrites those not on the current key, and moves the table's cursor
(core.models.KeyRotation) in the same transaction: killed at any point, `jiuzhu keys rotate` resumes at the
cursor and nothing is rewritten twice or skipped. A process that had not yet re-read the key file may have
written a few values with the old key meanwhile: the rotation ends only after a pass that finds none.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction, KeyRotation

DEFAULT_BATCH = 1000
MAX_PASSES = 5
AUDIT_OBJECT = "pii_key"

Progress = Callable[[str, int, int], None]  # (table, rows scanned, rows in the table)


class KeyringError(Exception):
    """What cannot be done, in the user's language; nothing was changed."""


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    tokens: tuple[str, ...]  # fields holding core.pii tokens
    hashes: dict[str, str] = field(default_factory=dict)  # token field → its lookup hash field
    secrets: tuple[str, ...] = ()  # secret hashes (core.pii.secret_hash)

    @property
    def label(self) -> str:
        return str(self.model._meta.label)


def encrypted_models() -> list[EncryptedModel]:
    """Every model holding personal data under a PII key, derived from the installed apps' models."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        names = {f.name for f in meta.concrete_fields}
        tokens = tuple(sorted(n for n in names if n.endswith("_enc")))
        hashes = {t: t.removesuffix("_enc") + "_hash" for t in tokens if t.removesuffix("_enc") + "_hash" in names}
        declared = tuple(getattr(model, "PII_SECRET_HASHES", ()))
        if tokens or declared:
            found.append(EncryptedModel(model, tokens, hashes, declared))
    return sorted(found, key=lambda m: m.label)


# --- the key file ---------------------------------------------------------------------------------------------


def _key_file() -> Path:
    path = getattr(settings, "PII_KEY_FILE", "")
    if not path:
        raise KeyringError(
            _("个人信息密钥来自环境变量 JIUZHU_PII_KEY：轮换需要密钥文件（JIUZHU_PII_KEY_FILE），请改用密钥文件")
        )
    return Path(path)


def _write_ring(entries: list[tuple[int, str]]) -> None:
    """Replace the key file at once (a reader sees the old ring or the new one, never half), 0600."""
    path = _key_file()
    text = pii.format_keyring(entries)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    settings.PII_KEY = text.strip()


def _entries() -> list[tuple[int, str]]:
    return pii.parse_keyring(settings.PII_KEY)


# --- counting -------------------------------------------------------------------------------------------------


def _on_key(name: str, key_id: int) -> Q:
    return Q(**{f"{name}__startswith": f"v{key_id}:"})


def _secret_on_key(name: str, key_id: int) -> Q:
    q = Q(**{f"{name}__startswith": f"v{key_id}$"})
    if key_id == pii.LEGACY_KEY_ID:  # written before the keyring: no key id, made by key 1
        q |= ~Q(**{f"{name}__contains": "$"}) & ~Q(**{name: ""})
    return q


def _stale_q(em: EncryptedModel, current: int) -> Q:
    """Rows holding a token that is not under the current key."""
    q = Q(pk__in=[])
    for name in em.tokens:
        q |= ~Q(**{name: ""}) & ~_on_key(name, current)
    return q


def usage(key_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """How many values each key holds: {key id: {"registry.Person.id_number_enc": n, ...}} (one scan a table)."""
    ids = key_ids if key_ids is not None else pii.keyring().ids
    if not ids:
        return {}
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    for em in encrypted_models():
        aggregates: dict[str, Any] = {}
        for key_id in ids:
            for name in em.tokens:
                aggregates[f"{name}__{key_id}"] = Count("pk", filter=_on_key(name, key_id))
            for name in em.secrets:
                aggregates[f"{name}__{key_id}"] = Count("pk", filter=_secret_on_key(name, key_id))
        for alias, n in em.model._default_manager.aggregate(**aggregates).items():
            field_name, _sep, of_key = alias.rpartition("__")
            if n:
                out[int(of_key)][f"{em.label}.{field_name}"] = n
    return out


# --- rotation -------------------------------------------------------------------------------------------------


@dataclass
class RotateResult:
    key_id: int
    resumed: bool
    rewritten: int
    passes: int


def _rotate_batch(em: EncryptedModel, state_pk: int, current: pii.PiiKey, batch: int) -> tuple[int, int, bool]:
    """One transaction: lock the next `batch` rows after the cursor, rewrite those not on the current key, move
    the cursor. (rows scanned, rows rewritten, table finished)."""
    manager = em.model._default_manager
    with transaction.atomic():
        state = KeyRotation.objects.select_for_update().get(pk=state_pk)
        rows = list(
            manager.select_for_update()
            .filter(pk__gt=state.last_pk)
            .order_by("pk")
            .only("pk", *em.tokens, *em.hashes.values())[:batch]
        )
        prefix = f"v{current.id}:"
        changed: list[models.Model] = []
        for row in rows:
            dirty = False
            for name in em.tokens:
                token = getattr(row, name)
                if not token or token.startswith(prefix):
                    continue
                new_token, digest = pii.seal(pii.decrypt(token))
                setattr(row, name, new_token)
                if name in em.hashes:
                    setattr(row, em.hashes[name], digest)
                dirty = True
            if dirty:
                changed.append(row)
        if changed:
            _write_rows(em, changed)
        done = len(rows) < batch
        state.last_pk = rows[-1].pk if rows else state.last_pk
        state.scanned += len(rows)
        state.rewritten += len(changed)
        if done:
            state.finished_at = timezone.now()
        state.save()
    return len(rows), len(changed), done


def _write_rows(em: EncryptedModel, rows: list[models.Model]) -> None:
    """One UPDATE per row by primary key, sent as one executemany (several times faster than bulk_update's
    CASE expressions on a table of millions)."""
    meta = em.model._meta
    names = [*em.tokens, *em.hashes.values()]
    qn = connection.ops.quote_name
    columns = {f.name: f.column for f in meta.concrete_fields}
    sets = ", ".join(f"{qn(columns[n])} = %s" for n in names)
    pk = meta.pk
    assert pk is not None
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*(getattr(r, n) for n in names), r.pk] for r in rows])


def _states(key_id: int, ems: list[EncryptedModel]) -> list[KeyRotation]:
    now = timezone.now()
    out = []
    for em in ems:
        state, _created = KeyRotation.objects.get_or_create(
            key_id=key_id, table=em.label, defaults={"started_at": now, "total": em.model._default_manager.count()}
        )
        out.append(state)
    return out


def rotation_pending() -> KeyRotation | None:
    """A table whose rotation to the current key has not finished (so `rotate` resumes instead of starting)."""
    current = pii.keyring().current.id
    return KeyRotation.objects.filter(key_id=current, finished_at__isnull=True).first()


def keys_rotate(
    *, actor: str, batch: int = DEFAULT_BATCH, progress: Progress | None = None, settle: float | None = None
) -> RotateResult:
    """Resume the rotation under way, or add a new current key and rotate every encrypted value to it."""
    if batch < 1:
        raise KeyringError(_("每批行数须为正整数"))
    ems = [em for em in encrypted_models() if em.tokens]
    resumed = rotation_pending() is not None
    if not resumed:
        entries = _entries()
        _key_file()  # refused before anything is written when the key comes from the environment
        new_id, new_hex = max(i for i, _h in entries) + 1, secrets.token_hex(64)
        # The state first, then the key file: if the file cannot be written, the next run makes the same key
        # id again and finds its state rows.
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=AUDIT_OBJECT,
                object_id=str(new_id),
                summary=_("个人信息密钥轮换开始：新密钥 %(n)d") % {"n": new_id},
                after={"key_id": new_id, "fingerprint": pii.fingerprint(new_hex), "old": [i for i, _h in entries]},
            )
            _states(new_id, ems)
        _write_ring([(new_id, new_hex), *entries])
        # Running servers re-read the key file within RELOAD_SECONDS; what they write meanwhile under the old
        # key is caught by the closing pass.
        wait = settle if settle is not None else (2 * pii.RELOAD_SECONDS if settings.PII_KEY_FILE else 0.0)
        time.sleep(wait)
    else:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=AUDIT_OBJECT,
            object_id=str(pii.keyring().current.id),
            summary=_("个人信息密钥轮换继续"),
        )
    current = pii.keyring().current
    states = _states(current.id, ems)
    rewritten, passes = 0, 1
    while True:
        for em, state in zip(ems, states, strict=True):
            state.refresh_from_db()
            passes = max(passes, state.passes)
            while state.finished_at is None:
                _n, changed, _done = _rotate_batch(em, state.pk, current, batch)
                rewritten += changed
                state.refresh_from_db()
                if progress is not None:
                    progress(em.label, state.scanned, max(state.total, state.scanned))
        stale = [
            (em, state)
            for em, state in zip(ems, states, strict=True)
            if em.model._default_manager.filter(_stale_q(em, current.id)).exists()
        ]
        if not stale:
            break
        if passes >= MAX_PASSES:
            raise KeyringError(_("仍有进程在用旧密钥写入：请重启所有 jiuzhu 服务后再运行 jiuzhu keys rotate"))
        for em, state in stale:  # written meanwhile by a process that still held the old ring: once more
            KeyRotation.objects.filter(pk=state.pk).update(
                last_pk=0, scanned=0, finished_at=None, passes=state.passes + 1, total=em.model._default_manager.count()
            )
        passes += 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=AUDIT_OBJECT,
        object_id=str(current.id),
        summary=_("个人信息密钥轮换完成：密钥 %(n)d，重新加密 %(r)d 行") % {"n": current.id, "r": rewritten},
        after={"key_id": current.id, "rewritten": rewritten, "passes": passes},
    )
    return RotateResult(current.id, resumed, rewritten, passes)


# --- status and retirement ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyStatus:
    key_id: int
    current: bool
    fingerprint: str
    values: int  # encrypted values and secret hashes under this key
    detail: dict[str, int]


@dataclass(frozen=True)
class Status:
    keys: list[KeyStatus]
    rotations: list[KeyRotation]  # of the current key
    orphans: dict[str, int]  # values under a key that is not in the ring (cannot be read)


def keys_status() -> Status:
    ring = pii.keyring()
    used = usage()
    keys = [
        KeyStatus(k.id, k.id == ring.current.id, k.fingerprint, sum(used[k.id].values()), used[k.id]) for k in ring.keys
    ]
    orphans: dict[str, int] = {}
    for em in encrypted_models():
        for name in em.tokens:
            known = Q(**{name: ""})
            for k in ring.keys:
                known |= _on_key(name, k.id)
            n = em.model._default_manager.exclude(known).count()
            if n:
                orphans[f"{em.label}.{name}"] = n
    rotations = list(KeyRotation.objects.filter(key_id=ring.current.id).order_by("table"))
    return Status(keys, rotations, orphans)


def keys_retire(*, actor: str, drop_secrets: bool = False) -> list[int]:
    """Remove from the ring every old key that no row uses any more. Query codes hashed under it (which a
    rotation cannot recompute) block the retirement unless `drop_secrets`, which voids them (the family asks
    the office for a new code). Returns the retired key ids."""
    _key_file()
    ring = pii.keyring()
    old = [k.id for k in ring.keys if k.id != ring.current.id]
    if not old:
        raise KeyringError(_("密钥环中只有当前密钥，没有可停用的旧密钥"))
    if rotation_pending() is not None:
        raise KeyringError(_("密钥轮换尚未完成：请先运行 jiuzhu keys rotate"))
    used = usage(old)
    ems = {em.label: em for em in encrypted_models()}
    with transaction.atomic():
        dropped = 0
        for key_id in old:
            blocking = {}
            for where, n in used[key_id].items():
                label, _dot, name = where.rpartition(".")
                if drop_secrets and name in ems[label].secrets:
                    dropped += (
                        ems[label].model._default_manager.filter(_secret_on_key(name, key_id)).update(**{name: ""})
                    )
                else:
                    blocking[where] = n
            if blocking:
                detail = "，".join(f"{w} {n}" for w, n in sorted(blocking.items()))
                raise KeyringError(
                    _("密钥 %(k)d 仍有数据在用（%(d)s），不能停用") % {"k": key_id, "d": detail}
                    + (_("；查询码无法改用新密钥，如确需停用请加 --drop-query-codes") if not drop_secrets else "")
                )
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=AUDIT_OBJECT,
            object_id=",".join(str(i) for i in old),
            summary=_("个人信息旧密钥停用：%(k)s") % {"k": "、".join(str(i) for i in old)},
            before={"keys": ring.ids},
            after={"keys": [ring.current.id], "query_codes_voided": dropped},
        )
    _write_ring([e for e in _entries() if e[0] not in old])
    return old
