"""PII key rotation (issue #11, operations): `jiuzhu keys rotate | status | retire`.

A keyring whose tokens name their key; a rotation that re-encrypts every encrypted field (found from the models,
not listed) in batches, resumes after it was killed, keeps every person findable by ID number throughout, and
lets the old key go only when nothing uses it; a backup taken after the rotation restores and verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuzhu.core import keys, pii
from jiuzhu.core.models import AuditEntry, KeyRotation
from jiuzhu.grievances.models import Grievance
from jiuzhu.registry.models import Household, Person, Relation
from jiuzhu.registry.selectors import SearchQuery, person_search

KEY1 = "5a" * 64
# Digests that are no personal data under a PII key: the audit chain's (its own key), an API token's, a file's.
NOT_PII_HASHES = {
    "core.AuditEntry.prev_hash",
    "core.AuditEntry.hash",
    "core.AuditHead.hash",
    "accounts.ApiToken.key_hash",
    "matching.DataSet.file_hash",
}


@pytest.fixture
def key_file(settings, tmp_path):
    """The ring in a file, as in production (the tests' session key is key 1 of it)."""
    path = tmp_path / "pii_key"
    path.write_text(KEY1 + "\n")
    path.chmod(0o600)
    settings.PII_KEY = KEY1
    settings.PII_KEY_FILE = str(path)
    pii._watch.forget()
    return path


@pytest.fixture
def people(county, make_household):
    """Four households with phones, bank accounts and a disability certificate, all under key 1."""
    made = []
    for i in range(4):
        members = [
            ("张三", dt.date(1960, 5, 1), Relation.SELF, {}),
            ("李四", dt.date(1990, 1, 2), Relation.SON, {}),
        ]
        hh = make_household(
            county.village_a1, members=members, phone=f"1381234567{i}", bank_account=f"622848001234567{i}"
        )
        made.append(hh)
    person = Person.objects.order_by("id").first()
    person.disability_cert = person.id_number + "11"
    person.save()
    return made


def _prefixes(model, field):
    return {v.partition(":")[0] for v in model.objects.exclude(**{field: ""}).values_list(field, flat=True)}


def _found(approver, number):
    return list(person_search(user=approver, query=SearchQuery(text=number)).values_list("pk", flat=True))


def test_the_registry_of_encrypted_fields_is_derived_from_the_models():
    found = {em.label: em for em in keys.encrypted_models()}
    assert found["registry.Person"].tokens == ("disability_cert_enc", "id_number_enc")
    assert found["registry.Person"].hashes == {"id_number_enc": "id_number_hash"}
    assert set(found["registry.Household"].tokens) == {"phone_enc", "bank_account_enc"}
    assert found["payments.PayrollLine"].tokens == ("account_enc",)
    assert found["charity.Donor"].hashes == {"phone_enc": "phone_hash"}
    assert found["grievances.Grievance"].secrets == ("query_hash",)
    assert found["cases.Case"].secrets == ("query_code_hash",)
    # Every other field called *_hash is no PII hash: the audit chain's, an API token's digest, a file digest.
    from django.apps import apps

    others = {
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name.endswith("_hash") or f.name == "hash"
    }
    covered = {f"{e.label}.{h}" for e in found.values() for h in [*e.hashes.values(), *e.secrets]}
    assert others - covered == NOT_PII_HASHES


def test_tokens_name_their_key_and_decrypt_with_it(settings):
    settings.PII_KEY = KEY1
    old = pii.encrypt("330727198001010011")
    assert old.startswith("v1:")  # the single legacy key is key 1, and its tokens are those written before
    settings.PII_KEY = pii.format_keyring([(2, "6b" * 64), (1, KEY1)])
    new = pii.encrypt("330727198001010011")
    assert new.startswith("v2:")
    assert pii.decrypt(old) == pii.decrypt(new) == "330727198001010011"
    assert pii.decrypt_many([old, "", new]) == ["330727198001010011", "", "330727198001010011"]
    assert pii.lookup_hashes("x") == [pii.lookup_hash("x"), pii.lookup_hashes("x")[1]]
    settings.PII_KEY = pii.format_keyring([(2, "6b" * 64)])
    with pytest.raises(pii.KeyMissing):
        pii.decrypt(old)
    with pytest.raises(pii.KeyMissing):
        pii.decrypt_many([new, old])


def test_a_secret_hash_is_checked_with_the_key_that_made_it(settings):
    settings.PII_KEY = KEY1
    legacy = pii.lookup_hash("grievance:ABCD")  # as stored before the keyring: no key id
    tagged = pii.secret_hash("grievance:ABCD")
    settings.PII_KEY = pii.format_keyring([(2, "6b" * 64), (1, KEY1)])
    assert pii.secret_hash_matches("grievance:ABCD", legacy) and pii.secret_hash_matches("grievance:ABCD", tagged)
    assert pii.secret_hash("grievance:ABCD").startswith("v2$")
    assert not pii.secret_hash_matches("grievance:ABCE", tagged) and not pii.secret_hash_matches("x", "")


def test_a_running_server_rereads_the_key_file(key_file, settings, monkeypatch):
    monkeypatch.setattr(pii, "RELOAD_SECONDS", 0.0)
    assert pii.keyring().ids == [1]
    key_file.write_text(pii.format_keyring([(2, "6b" * 64), (1, KEY1)]))
    import os

    os.utime(key_file, ns=(1, 1))  # another mtime, however fast the file was rewritten
    assert pii.keyring().ids == [2, 1] and pii.encrypt("x").startswith("v2:")


def test_rotate_reencrypts_everything_and_retire_removes_the_old_key(key_file, people, approver, settings):
    number = Person.objects.order_by("id").first().id_number
    phone = Household.objects.order_by("id").first().phone
    call_command("keys", "rotate", "--batch", "3", "--quiet")
    assert pii.keyring().ids == [2, 1]
    assert [i for i, _h in pii.parse_keyring(key_file.read_text())] == [2, 1] and (key_file.stat().st_mode & 0o077) == 0
    for model, field in [
        (Person, "id_number_enc"),
        (Person, "disability_cert_enc"),
        (Household, "phone_enc"),
        (Household, "bank_account_enc"),
    ]:
        assert _prefixes(model, field) == {"v2"}, field
    assert Person.objects.order_by("id").first().id_number == number
    assert Household.objects.order_by("id").first().phone == phone
    assert Person.objects.order_by("id").first().disability_cert == number + "11"
    assert len(_found(approver, number)) == 1
    assert keys.usage([1]) == {1: {}}
    states = KeyRotation.objects.filter(key_id=2)
    assert states.exists() and all(s.finished_at for s in states)
    assert AuditEntry.objects.filter(object_type="pii_key").count() == 2  # started, finished
    call_command("keys", "retire")
    assert pii.keyring().ids == [2] and KEY1 not in key_file.read_text()
    assert len(_found(approver, number)) == 1 and Person.objects.order_by("id").first().id_number == number
    assert AuditEntry.objects.filter(object_type="pii_key", action="delete").exists()
    with pytest.raises(CommandError, match="没有可停用的旧密钥"):
        call_command("keys", "retire")


def test_a_rotation_killed_halfway_resumes_and_everyone_is_found_throughout(
    key_file, people, approver, admin, monkeypatch
):
    numbers = list(Person.objects.order_by("id").values_list("pk", "id_number_enc"))
    numbers = [(pk, pii.decrypt(t)) for pk, t in numbers]
    real_seal, calls = pii.seal, {"n": 0}

    def dying_seal(value):  # dies at the third ID number: the first batch of two people is committed
        calls["n"] += len(value) == 18 and value.startswith("330727")
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real_seal(value)

    monkeypatch.setattr(pii, "seal", dying_seal)
    with pytest.raises(RuntimeError, match="killed"):
        keys.keys_rotate(actor="test", batch=2, settle=0)
    monkeypatch.setattr(pii, "seal", real_seal)
    # Halfway: some people under key 2, the rest under key 1; the failed batch rolled back whole.
    assert keys.rotation_pending() is not None
    prefixes = _prefixes(Person, "id_number_enc")
    assert prefixes == {"v1", "v2"}
    for pk, number in numbers:  # found by ID number whichever key their row is under
        assert _found(approver, number) == [pk]
    with pytest.raises(CommandError, match="轮换尚未完成"):
        call_command("keys", "retire")
    # The registry still refuses a second registration of a number under the old key's hash.
    from django.core.exceptions import ValidationError

    from jiuzhu.registry.services import person_update

    old_row = next(p for p in Person.objects.order_by("id") if p.id_number_enc.startswith("v1:"))
    other = Person.objects.exclude(household=old_row.household).first()
    with pytest.raises(ValidationError, match="已登记"):
        person_update(actor=admin, person=other, id_number=old_row.id_number)

    result = keys.keys_rotate(actor="test", batch=2, settle=0)
    assert result.resumed and result.key_id == 2
    assert _prefixes(Person, "id_number_enc") == {"v2"}
    for pk, number in numbers:
        assert _found(approver, number) == [pk]
    keys.keys_retire(actor="test")
    for pk, number in numbers:
        assert _found(approver, number) == [pk]


def test_values_written_with_the_old_key_during_the_rotation_get_a_second_pass(key_file, people, monkeypatch):
    """A server that had not yet re-read the key file wrote under key 1 after the cursor had passed its row."""
    stale = pii.encrypt("330727196005010011")  # under key 1, as that server still holds the ring
    real_batch, written = keys._rotate_batch, []

    def batch_then_stale_write(em, state_pk, current, size):
        out = real_batch(em, state_pk, current, size)
        if em.label == "registry.Person" and out[2] and not written:
            written.append(Person.objects.order_by("id").first().pk)
            Person.objects.filter(pk=written[0]).update(disability_cert_enc=stale)
        return out

    monkeypatch.setattr(keys, "_rotate_batch", batch_then_stale_write)
    result = keys.keys_rotate(actor="test", batch=3, settle=0)
    assert written and result.passes == 2
    assert _prefixes(Person, "disability_cert_enc") == {"v2"}
    assert Person.objects.get(pk=written[0]).disability_cert == "330727196005010011"


def test_status_shows_progress_and_the_keys_in_use(key_file, people, capsys):
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "密钥 1（当前" in out and "registry.Person.id_number_enc: 8" in out
    call_command("keys", "rotate", "--quiet")
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "密钥 2（当前" in out and "密钥 1（旧" in out and "0 项数据" in out
    assert "registry.Person" in out and "100%" in out and "已完成" in out


def test_query_codes_under_the_old_key_block_retirement_until_voided(key_file, county, approver):
    from jiuzhu.grievances.selectors import grievance_public_status as grievance_public
    from jiuzhu.grievances.services import grievance_submit

    submitted = grievance_submit(
        channel="portal",
        kind="inquiry",
        content="低保金什么时候发放，请告知一下具体时间",
        region=county.village_a1,
        anonymous=False,
        contact_name="王五",
        contact_phone="13900001111",
    )
    keys.keys_rotate(actor="test", settle=0)
    g = Grievance.objects.get(pk=submitted.grievance.pk)
    assert g.contact_phone_enc.startswith("v2:") and g.query_hash.startswith("v1$")
    assert grievance_public(number=submitted.number, query_code=submitted.query_code) is not None
    with pytest.raises(keys.KeyringError, match="drop-query-codes"):
        keys.keys_retire(actor="test")
    assert keys.keys_retire(actor="test", drop_secrets=True) == [1]
    assert Grievance.objects.get(pk=g.pk).query_hash == ""
    assert grievance_public(number=submitted.number, query_code=submitted.query_code) is None


def test_a_key_given_in_the_environment_cannot_be_rotated(settings, db):
    settings.PII_KEY_FILE = ""
    with pytest.raises(CommandError, match="JIUZHU_PII_KEY"):
        call_command("keys", "rotate", "--quiet")


@pytest.mark.django_db(transaction=True)
def test_a_backup_after_rotation_restores_and_verifies(key_file, people, tmp_path, settings):
    from jiuzhu.core.backup import BackupError, backup_create, backup_read, backup_restore, backup_verify

    before = backup_create(out_dir=tmp_path / "before")
    keys.keys_rotate(actor="test", batch=5, settle=0)
    during = backup_create(out_dir=tmp_path / "during")  # ring 2 and 1, data all under 2
    keys.keys_retire(actor="test")
    after = backup_create(out_dir=tmp_path / "after")
    assert after.manifest["keys"]["pii_keys_used"] == ["2"] and "pii_key" not in after.manifest["keys"]
    assert backup_verify(path=after.path).ok and backup_verify(path=during.path).ok
    with pytest.raises(BackupError, match="pii_key 1"):  # taken before the rotation: its data needs key 1
        backup_read(before.path)
    number = Person.objects.order_by("id").first().id_number
    Person.objects.filter(pk=Person.objects.order_by("id").first().pk).update(id_number_enc="")  # damage after
    result = backup_restore(path=after.path)
    assert result.ok
    assert Person.objects.order_by("id").first().id_number == number


@pytest.mark.django_db(transaction=True)
def test_a_rotation_killed_by_sigkill_resumes(key_file, people, settings, tmp_path):
    """A real `jiuzhu keys rotate` process killed with SIGKILL between batches: the cursor holds, the rows before
    it are under the new key, the rest under the old one, and the next run finishes the work."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the killed process and the test share the database: PostgreSQL")
    template = Person.objects.order_by("id").first()
    clones = []
    for i in range(3000):
        number = f"330727{1950 + i % 50}0101{i:04d}"[:17]
        number += "0123456789X"[i % 11]
        token, digest = pii.seal(number)
        clones.append(
            Person(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Person._meta.concrete_fields
                    if not f.primary_key and f.attname not in ("id_number_enc", "id_number_hash")
                },
                id_number_enc=token,
                id_number_hash=digest,
            )
        )
    Person.objects.bulk_create(clones)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "JIUZHU_DATA_DIR": str(settings.DATA_DIR),
        "JIUZHU_PII_KEY_FILE": str(key_file),
        "JIUZHU_AUDIT_KEY": settings.AUDIT_KEY,
        "JIUZHU_SECRET_KEY": "k" * 50,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu", "keys", "rotate", "--batch", "10", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if KeyRotation.objects.filter(table="registry.Person", last_pk__gt=0).exists():
                break
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    state = KeyRotation.objects.get(table="registry.Person")
    assert state.finished_at is None and state.last_pk > 0
    pii._watch.forget()
    assert pii.keyring().ids == [2, 1]  # the killed process had written the new ring
    before = Person.objects.filter(pk__lte=state.last_pk)
    assert _prefixes(Person, "id_number_enc") == {"v1", "v2"}
    assert all(t.startswith("v2:") for t in before.values_list("id_number_enc", flat=True))
    result = keys.keys_rotate(actor="test", batch=500, settle=0)
    assert result.resumed and _prefixes(Person, "id_number_enc") == {"v2"}
    numbers = pii.decrypt_many(list(Person.objects.order_by("id").values_list("id_number_enc", flat=True)))
    assert len(set(numbers)) == Person.objects.count() and all(len(n) == 18 for n in numbers)
