import datetime as dt

import pytest

from jiuzhu.accounts.services import api_token_create
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.conftest import at_state
from jiuzhu.payments.models import Entitlement


def bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_clerk_submits_and_the_caseworker_accepts_over_the_api(client, clerk_a, caseworker_a, dibao_household):
    applicant = dibao_household.members.get(name="王建国")
    response = client.post(
        "/api/cases/",
        {
            "household_id": dibao_household.pk,
            "program": "dibao_urban",
            "applicant_id": applicant.pk,
            "channel": "entrusted",
        },
        content_type="application/json",
        **bearer(clerk_a),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["program_name"] == "城市最低生活保障"
    accepted = client.post(
        f"/api/cases/{body['id']}/accept", {}, content_type="application/json", **bearer(caseworker_a)
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert "investigate" in accepted.json()["next_steps"]


def test_an_illegal_step_is_a_409_with_a_chinese_message(client, new_case, caseworker_a):
    case = new_case()
    response = client.post(f"/api/cases/{case.pk}/request-check", **bearer(caseworker_a))
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_step" and "不能执行" in response.json()["message"]


def test_a_role_without_the_capability_gets_403(client, new_case, clerk_a):
    response = client.post(f"/api/cases/{new_case().pk}/accept", {}, content_type="application/json", **bearer(clerk_a))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_missing_reasons_are_a_422(client, new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    response = client.post(
        f"/api/cases/{case.pk}/refuse", {"reasons": " "}, content_type="application/json", **bearer(approver)
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_township_b_gets_404_on_township_as_cases_and_entitlements(client, new_case, head_a, approver, caseworker_b):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    from jiuzhu.cases import services

    services.case_confirm(actor=approver, case=case, on=dt.date(2025, 6, 10))
    ent = Entitlement.objects.get(source_case=case)
    headers = bearer(caseworker_b)
    for url in (f"/api/cases/{case.pk}", f"/api/cases/entitlements/{ent.pk}"):
        response = client.get(url, **headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert (
        client.post(
            f"/api/cases/{case.pk}/withdraw", {"reason": "x"}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    assert client.get("/api/cases/", **headers).json()["count"] == 0
    assert client.get("/api/cases/entitlements/", **headers).json()["count"] == 0
    mine = client.get(f"/api/cases/entitlements/{ent.pk}", **bearer(approver)).json()
    assert mine["program"] == "dibao_urban" and len(mine["person_ids"]) == 3


def test_the_openapi_document_lists_the_case_steps(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/cases/{case_id}/confirm" in paths and "/api/cases/entitlements/" in paths


@pytest.mark.parametrize("who", ["caseworker_b"])
def test_pages_404_for_the_other_township(request, client, new_case, head_a, who):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    doc_case = case
    client.force_login(request.getfixturevalue(who))
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/decide/", f"/cases/{case.pk}/approval-form.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cases/{doc_case.pk}/step/withdraw/", {"withdraw-reason": "x"}).status_code == 404
    notice = case.notice_entries.get().notice
    assert client.get(f"/cases/notices/{notice.pk}/").status_code == 404
    assert case.number not in client.get("/cases/all/").content.decode()
