import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiuzhu.core.audit import audit_record, audit_verify
from jiuzhu.core.models import AuditAction, AuditEntry


@pytest.fixture
def chain(db, django_capture_on_commit_callbacks):
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            _write(i)


def _write(i):
    audit_record(
        actor="system",
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=i,
        summary=f"第{i}次",
        before={"address": "旧"},
        after={"address": f"新{i}", "n": i},
    )


def test_an_untouched_chain_verifies(chain):
    result = audit_verify()
    assert result.ok and result.checked == 5
    call_command("audit", "verify", "--quiet")


def test_it_names_the_first_row_edited_directly_in_the_database(chain):
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET summary = %s WHERE seq = 3", ["篡改"])
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and result.reason == "content"
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("audit", "verify", "--quiet")


def test_it_catches_a_changed_json_value(chain):
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET after = %s WHERE seq = 2", ['{"address": "x", "n": 1}'])
    assert audit_verify().broken_seq == 2


def test_it_catches_a_deleted_row(chain):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 4")
    result = audit_verify()
    assert not result.ok and result.broken_seq == 4


def test_it_catches_a_deleted_last_row(chain):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 5")
    assert audit_verify().broken_seq == 5


def test_entries_cannot_be_changed_through_the_orm(chain):
    entry = AuditEntry.objects.get(seq=1)
    entry.summary = "x"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_a_rolled_back_write_leaves_no_entry(db):
    from django.db import transaction

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor="system", action=AuditAction.CREATE, summary="x")
        raise ZeroDivisionError
    assert not AuditEntry.objects.exists()
    assert audit_verify().ok


def test_a_change_shows_the_field_label_and_the_choice_label_not_raw_codes(db):
    from jiuzhu.core.templatetags.jiuzhu import audit_changes

    entry = audit_record(
        actor="system",
        action=AuditAction.UPDATE,
        object_type="person",
        object_id=1,
        summary="修改成员",
        before={"relation": "spouse", "date_of_death": None},
        after={"relation": "self", "date_of_death": "2026-09-10", "unknown_key": 1},
    )
    changes = {c["field"]: (c["before"], c["after"]) for c in audit_changes(entry)}
    assert changes["与户主关系"] == ("配偶", "户主") and changes["死亡日期"] == (None, "2026-09-10")
    assert changes["unknown_key"] == (None, 1)
    household = audit_record(
        actor="system",
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=1,
        summary="修改家庭",
        before={"bank_account": "****1"},
        after={"bank_account": "****2"},
    )
    assert audit_changes(household)[0]["field"] == "银行账号"


# ── an insider who can write the database but holds neither the key nor the anchor file (issue #11, 3) ──


def _plain_sha256_chain_from(seq_from):
    """What an attacker can compute without the key: the old unkeyed hashes, re-chained from an entry on."""
    import hashlib
    import json

    from jiuzhu.core.audit import GENESIS

    prev = AuditEntry.objects.filter(seq=seq_from - 1).values_list("hash", flat=True).first() or GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq_from).order_by("seq"):
        body = json.dumps(
            [
                entry.seq,
                entry.created_at.isoformat(timespec="microseconds"),
                entry.actor_name,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.region_code,
                entry.summary,
                entry.before,
                entry.after,
                prev,
            ],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(body.encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    return prev


def test_deleting_the_last_entries_and_moving_the_head_back_is_caught_by_the_anchors(chain):
    from jiuzhu.core.models import AuditHead

    kept = AuditEntry.objects.get(seq=3)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq > 3")
    AuditHead.objects.filter(pk=1).update(seq=3, hash=kept.hash)
    result = audit_verify()
    assert not result.ok and result.reason == "anchor" and result.broken_seq == 4
    with pytest.raises(CommandError, match="锚点"):
        call_command("audit", "verify", "--quiet")


def test_a_forged_entry_with_a_recomputed_hash_is_caught(chain):
    from django.utils import timezone

    from jiuzhu.core.models import AuditHead

    head = AuditHead.objects.get(pk=1)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                seq=6,
                created_at=timezone.now(),
                actor_name="approver",
                action=AuditAction.UPDATE,
                object_type="case",
                object_id="9",
                summary="审核确认",
                prev_hash=head.hash,
                hash="0" * 64,
            )
        ]
    )
    forged_head = _plain_sha256_chain_from(6)
    AuditHead.objects.filter(pk=1).update(seq=6, hash=forged_head)
    result = audit_verify()
    assert not result.ok and result.broken_seq == 6 and result.reason == "content"


def test_editing_a_middle_entry_and_recomputing_the_rest_is_caught(chain):
    from jiuzhu.core.models import AuditHead

    AuditEntry.objects.filter(seq=2).update(summary="改过的摘要")
    AuditHead.objects.filter(pk=1).update(hash=_plain_sha256_chain_from(2))
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2 and result.reason == "content"


def test_a_forged_anchor_line_is_caught(chain, settings):
    with settings.AUDIT_ANCHOR_FILE.open("a", encoding="utf-8") as fh:
        fh.write("9\t" + "0" * 64 + "\t2026-11-29T00:00:00+00:00\t" + "f" * 64 + "\n")
    result = audit_verify()
    assert not result.ok and result.reason == "forged_anchor" and result.broken_seq == 6


def test_a_removed_anchor_file_is_caught(chain, settings):
    settings.AUDIT_ANCHOR_FILE.unlink()
    assert audit_verify().reason == "unanchored"


def test_the_anchor_file_is_private_and_holds_one_signed_line_per_entry(chain, settings):
    import stat

    path = settings.AUDIT_ANCHOR_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    assert [int(line.split("\t")[0]) for line in lines] == [1, 2, 3, 4, 5]
    assert lines[-1].split("\t")[1] == AuditEntry.objects.get(seq=5).hash


def test_a_rolled_back_write_leaves_no_anchor(db, settings, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor="system", action=AuditAction.CREATE, summary="x")
        raise ZeroDivisionError
    assert not settings.AUDIT_ANCHOR_FILE.exists()


def _migration():
    import importlib

    return importlib.import_module("jiuzhu.core.migrations.0003_audit_keyed_chain")


def test_the_upgrade_rekeys_an_intact_unkeyed_chain_and_anchors_it(chain, settings):
    from django.apps import apps

    from jiuzhu.core.models import AuditHead

    AuditHead.objects.filter(pk=1).update(hash=_plain_sha256_chain_from(1))  # as an older jiuzhu wrote it
    settings.AUDIT_ANCHOR_FILE.unlink()
    _migration().rekey(apps, None)
    assert audit_verify().ok
    assert settings.AUDIT_ANCHOR_FILE.read_text().startswith("5\t")


def test_the_upgrade_refuses_to_bless_a_chain_already_broken(chain):
    from django.apps import apps

    _plain_sha256_chain_from(1)
    AuditEntry.objects.filter(seq=4).update(summary="改过")
    with pytest.raises(RuntimeError, match="第 4 条"):
        _migration().rekey(apps, None)
