"""残疾证号 is the ID number plus two digits: encrypted at rest, masked wherever it is shown or exported,
revealed only to a user granted it, and every reveal logged (issue #11, 4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jiuzhu.core.models import AuditEntry
from jiuzhu.registry import services
from jiuzhu.registry.importer.export import roster_rows
from jiuzhu.registry.models import Relation


@pytest.fixture
def disabled(county, make_household):
    from jiuzhu.conftest import id_for

    cert = id_for(dt.date(1961, 3, 4)) + "12"
    hh = make_household(
        county.village_a1,
        [("孙立强", dt.date(1961, 3, 4), Relation.SELF, {"disability_kind": "physical", "disability_grade": 2,
                                                          "disability_cert": cert})],
    )  # fmt: skip
    return hh.members.get(), cert


def test_stored_encrypted_and_masked(disabled):
    person, cert = disabled
    with connection.cursor() as cur:
        cur.execute(
            "SELECT disability_cert_enc, disability_cert_masked FROM registry_person WHERE id = %s", [person.pk]
        )
        encrypted, masked = cur.fetchone()
    assert cert not in encrypted and cert[6:14] not in masked
    assert masked == cert[:6] + "*" * 10 + cert[-4:]
    person.refresh_from_db()
    assert person.disability_cert == cert


def test_the_clerk_sees_it_masked_in_the_form_and_the_page(client, clerk_a, disabled):
    person, cert = disabled
    client.force_login(clerk_a)
    form = client.get(f"/registry/persons/{person.pk}/edit/").content.decode()
    page = client.get(f"/registry/households/{person.household_id}/").content.decode()
    for html in (form, page):
        assert cert not in html and person.disability_cert_masked in html
    assert client.post(f"/registry/persons/{person.pk}/reveal/disability_cert/").status_code == 403


def test_a_reveal_by_a_granted_user_is_logged(client, caseworker_a, disabled):
    person, cert = disabled
    client.force_login(caseworker_a)
    response = client.post(f"/registry/persons/{person.pk}/reveal/disability_cert/")
    assert response.status_code == 200 and cert in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", object_type="person", summary__contains="残疾证号").exists()
    assert client.post(f"/registry/persons/{person.pk}/reveal/name/").status_code == 404


def test_a_masked_export_carries_no_full_number(admin, disabled):
    person, cert = disabled
    rows = [" ".join(map(str, row)) for row in roster_rows(user=admin)]
    assert not any(cert in row for row in rows) and any(person.disability_cert_masked in row for row in rows)
    assert any(cert in " ".join(map(str, row)) for row in roster_rows(user=admin, full=True))


def test_a_blank_field_keeps_it_and_the_audit_log_sees_it_masked(client, caseworker_a, disabled):
    person, cert = disabled
    client.force_login(caseworker_a)
    form = client.get(f"/registry/persons/{person.pk}/edit/")
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None and k != "disability_cert"}
    data.update({"name": person.name, "relation": "self", "id_number": "", "disability_cert": "", "labor": "none"})
    response = client.post(f"/registry/persons/{person.pk}/edit/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.disability_cert == cert
    new_cert = cert[:-2] + "13"
    services.person_update(actor=caseworker_a, person=person, disability_cert=new_cert)
    entry = AuditEntry.objects.filter(object_type="person", action="update").latest("seq")
    assert cert not in str(entry.before) + str(entry.after) and new_cert not in str(entry.after)
    assert entry.after["disability_cert"] == new_cert[:6] + "*" * 10 + new_cert[-4:]


def test_a_malformed_number_is_refused_with_a_message(caseworker_a, disabled):
    person, _cert = disabled
    with pytest.raises(ValidationError) as err:
        services.person_update(actor=caseworker_a, person=person, disability_cert="33<script>")
    assert "残疾证号" in str(err.value)
