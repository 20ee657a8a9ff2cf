"""Every API error is a JSON body {code, message}, never Django's HTML page (server errors, conflicts, unknown
addresses included), and the OpenAPI document lists the error answers of each operation."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError

from jiuzhu.accounts.services import api_token_create


@pytest.fixture
def auth(clerk_a):
    _token, key = api_token_create(actor=None, user=clerk_a, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _json_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"]


def test_an_unexpected_error_is_a_json_500(client, auth):
    client.raise_request_exception = False
    with mock.patch("jiuzhu.cases.api.selectors.cases_visible", side_effect=RuntimeError("boom")):
        _json_error(client.get("/api/cases/", **auth), 500, "internal_error")


def test_a_race_lost_on_a_unique_constraint_is_a_json_409(client, auth):
    with mock.patch("jiuzhu.cases.api.selectors.cases_visible", side_effect=IntegrityError("duplicate key")):
        _json_error(client.get("/api/cases/", **auth), 409, "conflict")


def test_an_address_no_operation_answers_is_a_json_404(client, auth):
    _json_error(client.get("/api/cases/abc", **auth), 422, "invalid")
    _json_error(client.get("/api/cases/1/nothing", **auth), 404, "not_found")
    _json_error(client.get("/api/nothing-here", **auth), 404, "not_found")


def test_without_a_token_the_answer_is_a_json_401(client, db):
    _json_error(client.get("/api/cases/"), 401, "unauthorized")


def test_the_openapi_document_lists_the_error_answers(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    confirm = schema["paths"]["/api/cases/{case_id}/confirm"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "422", "500"} <= set(confirm)
    assert confirm["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    listing = schema["paths"]["/api/cases/"]["get"]["responses"]
    assert {"200", "401", "403", "422"} <= set(listing) and "404" not in listing
    # Found by the fuzz test: a body naming a household outside the caller's region answers 404.
    assert "404" in schema["paths"]["/api/cases/"]["post"]["responses"]


def test_an_unreadable_body_is_a_documented_json_400(client, auth):
    response = client.post("/api/cases/1/confirm", b"\xff\xfe\\", content_type="application/json", **auth)
    _json_error(response, 400, "http_error")


def test_a_method_an_address_does_not_answer_is_a_json_405(client, auth):
    # Found by the fuzz test: django-ninja's own 405 was a text/html "Method not allowed".
    response = client.generic("TRACE", "/api/registry/persons", **auth)
    _json_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET"}
    _json_error(client.delete("/api/cases/", **auth), 405, "method_not_allowed")


def test_a_form_body_that_cannot_be_parsed_is_a_json_400(client, auth):
    # Found by the fuzz test: a multipart body without a boundary failed in the control-character check at
    # the door, and Django answered with its HTML "Bad Request (400)" page.
    body = b'{"reason": "x"}'
    response = client.post("/api/cases/1/withdraw", body, content_type="multipart/form-data", **auth)
    _json_error(response, 400, "bad_request")
    assert client.post("/registry/search/", body, content_type="multipart/form-data", **auth).status_code == 400
