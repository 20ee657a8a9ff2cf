"""jiuzhu backup / restore (issue #11, operations): a copy taken while serving, refused when altered or taken with
other keys, verified by restoring it into a scratch database and checking its audit chain; a restore brings the
county back to the copy and anchors it afresh."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuzhu.core.audit import audit_record, audit_verify
from jiuzhu.core.backup import BackupError, backup_create, backup_read, backup_restore, backup_verify
from jiuzhu.core.models import AuditAction, AuditEntry


def _entries(n, start=0):
    for i in range(start, start + n):
        audit_record(actor="system", action=AuditAction.UPDATE, object_type="household", object_id=i, summary=f"{i}")


@pytest.fixture
def history(transactional_db):
    _entries(3)  # autocommit: each entry is committed and anchored


def test_a_backup_verifies_and_holds_no_key(history, tmp_path, settings):
    backup = backup_create(out_dir=tmp_path / "b")
    assert backup.manifest["audit_head"]["seq"] == 3 and (backup.path.stat().st_mode & 0o077) == 0
    manifest = backup.path.with_name(backup.path.name + ".manifest.json").read_text()
    assert settings.PII_KEY not in manifest and settings.AUDIT_KEY not in manifest
    assert backup_verify(path=backup.path).ok
    _entries(2, start=3)  # newer history after the copy: the copy is still a true prefix
    assert backup_verify(path=backup.path).ok


def test_an_altered_backup_or_other_keys_are_refused(history, tmp_path, settings):
    backup = backup_create(out_dir=tmp_path / "b")
    with backup.path.open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00\x01")
    with pytest.raises(BackupError, match="已损坏或被修改"):
        backup_read(backup.path)
    good = backup_create(out_dir=tmp_path / "c")
    settings.AUDIT_KEY = "b8" * 32
    with pytest.raises(BackupError, match="密钥"):
        backup_read(good.path)


def test_a_backup_whose_audit_log_was_rewritten_fails_verification(history, tmp_path):
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("edits the SQLite copy in place")
    backup = backup_create(out_dir=tmp_path / "b")
    with sqlite3.connect(backup.path) as db:
        db.execute("UPDATE core_auditentry SET summary = 'x' WHERE seq = 2")
    manifest_path = backup.path.with_name(backup.path.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = __import__("hashlib").sha256(backup.path.read_bytes()).hexdigest()  # the forger fixes it
    manifest_path.write_text(json.dumps(manifest))
    result = backup_verify(path=backup.path)
    assert not result.ok and result.broken_seq == 2


def test_restore_brings_back_the_copy_and_anchors_it_afresh(history, tmp_path, settings):
    backup = backup_create(out_dir=tmp_path / "b")
    _entries(2, start=3)
    assert AuditEntry.objects.count() == 5
    result = backup_restore(path=backup.path)
    assert result.ok and AuditEntry.objects.count() == 3
    assert audit_verify().ok  # the anchors of the newer history are set aside, not lost
    assert list(settings.AUDIT_ANCHOR_FILE.parent.glob("audit_anchor.log.*.restore"))
    assert list((tmp_path / "b" / "before-restore").glob("jiuzhu-*"))
    _entries(1, start=10)
    assert audit_verify().ok and AuditEntry.objects.count() == 4


def test_the_commands(history, tmp_path):
    call_command("backup", "--out", str(tmp_path / "b"), "--verify")
    copy = next((tmp_path / "b").glob("jiuzhu-*[!n]"))
    call_command("backup", str(copy), "--verify")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(copy))
    with pytest.raises(CommandError, match="找不到"):
        call_command("backup", str(tmp_path / "nothing.sqlite3"), "--verify")
