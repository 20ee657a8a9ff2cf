import datetime as dt

import pytest

from jiuzhu.accounts.services import api_token_create
from jiuzhu.registry.models import Relation


@pytest.fixture
def household_a(county, make_household):
    return make_household(county.village_a1, [("王建国", dt.date(1948, 2, 3), Relation.SELF, {})])


def bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_needs_a_token_and_answers_json(client, household_a):
    response = client.get("/api/registry/persons?q=wjg")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_it_finds_a_person_and_reads_the_household(client, household_a, caseworker_a):
    headers = bearer(caseworker_a)
    found = client.get("/api/registry/persons", {"q": "wjg"}, **headers).json()
    assert found["count"] == 1 and found["results"][0]["name"] == "王建国"
    assert "*" in found["results"][0]["id_masked"]
    detail = client.get(f"/api/registry/households/{household_a.pk}", **headers).json()
    assert detail["head_name"] == "王建国" and len(detail["members"]) == 1


def test_the_outsider_gets_404_with_a_chinese_message(client, household_a, caseworker_b):
    headers = bearer(caseworker_b)
    response = client.get(f"/api/registry/households/{household_a.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "记录不存在，或不在您的管辖范围内"}
    assert client.get("/api/registry/persons", {"q": "wjg"}, **headers).json()["count"] == 0


def test_bad_parameters_get_a_json_error(client, household_a, caseworker_a):
    response = client.get("/api/registry/households/abc", **bearer(caseworker_a))
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid", "请求参数有误")
    assert body["errors"][0]["loc"] == ["path", "household_id"]


def test_the_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and "/api/registry/persons" in response.json()["paths"]
