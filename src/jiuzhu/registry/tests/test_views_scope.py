"""The scope matrix: every persona against every registry page. Outsiders get 404, never a glimpse."""

import datetime as dt

import pytest
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry.models import Relation

PERSONAS = ["clerk_a", "caseworker_a", "head_a", "caseworker_b", "approver", "admin", "auditor"]
# Who may open a household of village A1 (township A).
SEES_A1 = {"clerk_a", "caseworker_a", "head_a", "approver", "admin", "auditor"}
# Village A2 is in township A but not the clerk's village.
SEES_A2 = SEES_A1 - {"clerk_a"}
# Who may change the registry (Capability.EDIT_REGISTRY); the others in scope only read.
EDITORS = {"clerk_a", "caseworker_a", "admin"}


@pytest.fixture
def households(county, make_household):
    a1 = make_household(
        county.village_a1,
        [
            ("王建国", dt.date(1948, 2, 3), Relation.SELF, {}),
            ("刘桂英", dt.date(1950, 7, 9), Relation.SPOUSE, {}),
        ],
        phone="13812345678",
        bank_account="6228480012345678901",
    )
    a2 = make_household(county.village_a2, [("赵小花", dt.date(1990, 1, 1), Relation.SELF, {})])
    b1 = make_household(county.village_b1, [("孙大山", dt.date(1960, 1, 1), Relation.SELF, {})])
    return {"a1": a1, "a2": a2, "b1": b1}


def login(client, request, persona):
    request.getfixturevalue(persona)
    assert client.login(username=persona, password=PASSWORD)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["a1", "a2"])
@pytest.mark.parametrize("page", ["registry:household_detail", "registry:household_edit", "registry:person_add"])
def test_household_pages_answer_404_outside_the_scope(client, request, households, persona, which, page):
    login(client, request, persona)
    response = client.get(reverse(page, args=[households[which].pk]))
    allowed = persona in (SEES_A1 if which == "a1" else SEES_A2)
    if not allowed:
        assert response.status_code == 404
    elif page == "registry:household_detail":
        assert response.status_code == 200
        assert households[which].head_name in response.content.decode()
    else:
        # Seeing is not editing: read-only roles are refused, editors get the form.
        assert response.status_code == (200 if persona in EDITORS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_edit_answers_404_outside_the_scope(client, request, households, persona):
    login(client, request, persona)
    person = households["a2"].members.get()
    response = client.get(reverse("registry:person_edit", args=[person.pk]))
    if persona not in SEES_A2:
        assert response.status_code == 404
        assert "赵小花" not in response.content.decode()
    else:
        assert response.status_code == (200 if persona in EDITORS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_and_search_show_only_the_scope(client, request, households, persona):
    login(client, request, persona)
    listing = client.get(reverse("registry:household_list")).content.decode()
    found = client.get(reverse("registry:search"), {"q": "wjg"}).content.decode()
    assert ("王建国" in listing) == (persona in SEES_A1)
    assert ("王建国" in found) == (persona in SEES_A1)
    assert ("孙大山" in listing) == (persona in {"caseworker_b", "approver", "admin", "auditor"})


def test_search_by_full_id_number_finds_nobody_outside_the_scope(client, request, households):
    person = households["a1"].members.get(name="王建国")
    login(client, request, "caseworker_b")
    assert "王建国" not in client.get(reverse("registry:search"), {"q": person.id_number}).content.decode()
    client.logout()
    login(client, request, "caseworker_a")
    assert "王建国" in client.get(reverse("registry:search"), {"q": person.id_number}).content.decode()


@pytest.mark.parametrize("url_name", ["core:home", "registry:search", "registry:household_list", "core:audit"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_cannot_open_a_household(client, households):
    response = client.get(reverse("registry:household_detail", args=[households["a1"].pk]))
    assert response.status_code == 302


def test_id_numbers_phones_and_accounts_are_masked_on_the_page(client, request, households):
    person = households["a1"].members.get(name="王建国")
    for persona in ("clerk_a", "caseworker_a", "auditor"):
        login(client, request, persona)
        html = client.get(reverse("registry:household_detail", args=[households["a1"].pk])).content.decode()
        assert person.id_number not in html
        assert person.id_masked in html
        assert "13812345678" not in html and "138****5678" in html
        assert "6228480012345678901" not in html
        client.logout()


def test_revealing_needs_the_permission_and_is_logged(client, request, households):
    person = households["a1"].members.get(name="王建国")
    url = reverse("registry:person_reveal", args=[person.pk, "id_number"])
    login(client, request, "clerk_a")
    assert client.post(url).status_code == 403
    client.logout()
    login(client, request, "caseworker_b")
    assert client.post(url).status_code == 404
    client.logout()
    login(client, request, "caseworker_a")
    response = client.post(url)
    assert response.status_code == 200 and person.id_number in response.content.decode()
    entry = AuditEntry.objects.filter(action="reveal").get()
    assert entry.actor_name == "caseworker_a" and entry.object_id == str(person.pk)
    assert entry.summary.startswith("查看完整身份证号：")  # the field in words, not its code
    phone = client.post(reverse("registry:household_reveal", args=[households["a1"].pk, "phone"]))
    assert "13812345678" in phone.content.decode()
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_auditor_opens_the_audit_log(client, request, households, persona):
    login(client, request, persona)
    assert client.get(reverse("core:audit")).status_code == (200 if persona == "auditor" else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_county_admin_manages_users_and_regions(client, request, county, persona):
    login(client, request, persona)
    expected = 200 if persona == "admin" else 403
    assert client.get(reverse("accounts:users")).status_code == expected
    assert client.get(reverse("regions:list")).status_code == expected
