import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiuzhu.core.audit import audit_record, audit_verify
from jiuzhu.core.models import AuditAction, AuditEntry


@pytest.fixture
def chain(db):
    for i in range(5):
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
