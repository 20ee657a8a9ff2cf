"""Backups a county can restore: the database copied while it serves (SQLite's online backup, `pg_dump` on
PostgreSQL), a manifest beside it, and a verify step that restores the copy into a scratch database and runs the
audit check on it.

The keys are never in a backup: a stolen backup holds ID numbers only encrypted, and the county keeps the key
files apart (README "Deploying"). The manifest names the keys a backup needs by fingerprint (an HMAC of a fixed
text, from which the key cannot be learnt), so that a restore with the wrong key files is refused before it
overwrites anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core import pii
from jiuzhu.core.audit import VerifyResult, audit_reanchor, audit_verify
from jiuzhu.core.keys import usage
from jiuzhu.core.models import AuditHead

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """What went wrong, in the user's language; nothing was overwritten."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]


def key_fingerprints() -> dict[str, Any]:
    """Which keys a backup was taken with: 16 hex digits each, from which the key cannot be recovered; the PII
    keyring key by key ({"1": …, "2": …}), since a rotation adds keys and retires them."""
    return {
        "pii_keys": {str(k.id): k.fingerprint for k in pii.keyring().keys},
        "audit_key": pii.fingerprint(settings.AUDIT_KEY),
    }


def _keys_missing(recorded: dict[str, Any]) -> list[str]:
    """The keys a backup needs that this server lacks: its audit key, and every PII key of its ring that this
    ring does not hold with the same fingerprint (a manifest older than the keyring names one PII key, key 1).
    A key this server holds and the backup did not need is no obstacle (a backup restored after a rotation)."""
    mine = key_fingerprints()
    missing = [] if recorded.get("audit_key") == mine["audit_key"] else ["audit_key"]
    needed = recorded.get("pii_keys") or ({"1": recorded["pii_key"]} if "pii_key" in recorded else {})
    if "pii_keys_used" in recorded:  # only the keys its data was under (an old key kept until retirement is not)
        needed = {i: fp for i, fp in needed.items() if i in recorded["pii_keys_used"]}
    missing += [f"pii_key {i}" for i, fp in sorted(needed.items()) if mine["pii_keys"].get(i) != fp]
    return missing


def _pii_keys_used() -> list[str]:
    """The PII keys the data is under (one scan per table holding encrypted values; the current key always)."""
    ring = pii.keyring()
    return sorted(str(i) for i, used in usage().items() if used or i == ring.current.id)


def _vendor() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any], name: str | None = None) -> list[str]:
    args = ["-d", name or str(db["NAME"])]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def backup_create(*, out_dir: Path) -> Backup:
    """Copy the database into `out_dir` (0600) with its manifest; the service keeps running meanwhile."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    vendor = _vendor()
    db = connection.settings_dict
    if vendor == "sqlite":
        path = out_dir / f"jiuzhu-{stamp}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            connection.connection.backup(target)  # a consistent copy while others write
        finally:
            target.close()
    else:
        path = out_dir / f"jiuzhu-{stamp}.pgdump"
        run = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *_pg_args(db)],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            path.unlink(missing_ok=True)
            raise BackupError(_("pg_dump 失败：%(e)s") % {"e": run.stderr.strip()[:500]})
    path.chmod(0o600)
    head = AuditHead.objects.filter(pk=1).first()
    manifest = {
        "format": 1,
        "database": vendor,
        "file": path.name,
        "sha256": _sha256(path),
        "created_at": timezone.now().isoformat(),
        "audit_head": {"seq": head.seq if head else 0, "hash": head.hash if head else ""},
        "keys": {**key_fingerprints(), "pii_keys_used": _pii_keys_used()},
    }
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    manifest_path.chmod(0o600)
    return Backup(path, manifest)


def backup_read(path: Path) -> Backup:
    """The backup and its manifest, checked: present, unaltered, and taken with the keys this server holds."""
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    if not path.is_file() or not manifest_path.is_file():
        raise BackupError(_("找不到备份文件或其说明文件（%(m)s）") % {"m": manifest_path.name})
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError:
        raise BackupError(_("备份说明文件已损坏")) from None
    if manifest.get("sha256") != _sha256(path):
        raise BackupError(_("备份文件与其说明不符：文件已损坏或被修改"))
    if manifest.get("database") != _vendor():
        raise BackupError(_("这是 %(a)s 的备份，当前数据库是 %(b)s") % {"a": manifest.get("database"), "b": _vendor()})
    missing = _keys_missing(manifest.get("keys") or {})
    if missing:
        raise BackupError(
            _("备份所用的密钥与本机密钥不同（缺少 %(k)s）：请先配置备份时的 pii_key 和 audit_key 文件")
            % {"k": "、".join(missing)}
        )
    return Backup(path, manifest)


@contextmanager
def _scratch(backup: Backup) -> Iterator[str]:
    """The backup restored into a throwaway database, registered as a connection alias while in use."""
    db = dict(connection.settings_dict)
    alias = f"scratch_{uuid.uuid4().hex[:8]}"
    workdir = Path(tempfile.mkdtemp(prefix="jiuzhu-verify-"))
    name = ""
    try:
        if db["ENGINE"].endswith("sqlite3"):
            copy = workdir / "verify.sqlite3"
            shutil.copyfile(backup.path, copy)
            db["NAME"] = str(copy)
        else:
            name = f"jiuzhu_verify_{uuid.uuid4().hex[:8]}"
            _pg_restore(db, backup.path, name, create=True)
            db["NAME"] = name
        connections.databases[alias] = db
        connections[alias].connect()  # opened here, explicitly: the scratch copy exists only inside this block
        yield alias
    finally:
        if alias in connections.databases:
            connections[alias].close()
            del connections.databases[alias]
        if name:
            subprocess.run(
                ["dropdb", "--if-exists", *_pg_args(connection.settings_dict, name)[2:], name],
                env=_pg_env(connection.settings_dict),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def _pg_restore(db: dict[str, Any], path: Path, name: str, *, create: bool) -> None:
    env = _pg_env(db)
    if create:
        made = subprocess.run(
            ["createdb", *_pg_args(db, name)[2:], name], env=env, capture_output=True, text=True, check=False
        )
        if made.returncode != 0:
            raise BackupError(_("无法创建临时数据库：%(e)s") % {"e": made.stderr.strip()[:500]})
    run = subprocess.run(
        ["pg_restore", "--no-owner", "--clean", "--if-exists", *_pg_args(db, name), str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise BackupError(_("pg_restore 失败：%(e)s") % {"e": run.stderr.strip()[:500]})


def backup_verify(*, path: Path) -> VerifyResult:
    """Restore the copy into a scratch database and check its audit chain against the keys and the anchors:
    a backup that verifies is a true, untouched copy of the county's history up to its head."""
    backup = backup_read(path)
    with _scratch(backup) as alias:
        result = audit_verify(using=alias, backup=True)
        head = AuditHead.objects.using(alias).filter(pk=1).first()
    expected = backup.manifest["audit_head"]
    if result.ok and (head.seq if head else 0, head.hash if head else "") != (expected["seq"], expected["hash"]):
        return VerifyResult(False, result.checked, expected["seq"], "anchor")
    return result


def backup_restore(*, path: Path) -> VerifyResult:
    """Replace the database by the backup — after verifying it — and anchor the restored history afresh (the
    anchors of the newer history are kept aside, renamed). The current database is backed up first."""
    result = backup_verify(path=path)
    if not result.ok:
        raise BackupError(_("备份未通过校验（第 %(n)s 条），未恢复") % {"n": result.broken_seq})
    backup_create(out_dir=path.parent / "before-restore")
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        connection.ensure_connection()
        source = sqlite3.connect(str(path))
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        _pg_restore(db, path, str(db["NAME"]), create=False)
    audit_reanchor(reason="restore")
    return audit_verify()
