"""The desk over HTTP, with the outsider and the illegal step."""

import pytest

from jiuzhu.accounts.services import api_token_create
from jiuzhu.grievances.models import Grievance, State
from jiuzhu.grievances.selectors import grievance_public_status

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, body, headers):
    return client.post("/api/grievances/" + url, body, content_type="application/json", **headers)


def test_record_assign_answer_over_the_api(client, county, caseworker_a, approver):
    cw, ap = bearer(caseworker_a), bearer(approver)
    body = {
        "channel": "phone",
        "kind": "complaint",
        "content": "电话投诉：低保金发放延迟。",
        "region_code": county.township_a.code,
        "contact_name": "赵六",
        "contact_phone": "13900001111",
    }
    r = post(client, "", body, cw)
    assert r.status_code == 201
    out = r.json()
    gid, code = out["grievance"]["id"], out["query_code"]
    assert out["grievance"]["contact_phone_masked"] == "139****1111" and "13900001111" not in r.content.decode()
    r = post(client, f"{gid}/close", {}, ap)
    assert r.status_code == 409 and r.json()["code"] == "illegal_step"
    r = post(client, f"{gid}/assign", {"region_code": county.township_a.code}, ap)
    assert r.status_code == 200 and r.json()["state"] == State.ASSIGNED
    assert "investigate" in client.get(f"/api/grievances/{gid}", **cw).json()["next_steps"]
    assert post(client, f"{gid}/answer", {"answer": "已查明原因并补发。"}, cw).status_code == 200
    number = Grievance.objects.get(pk=gid).number
    assert grievance_public_status(number=number, query_code=code).answer == "已查明原因并补发。"


def test_the_outsider_sees_nothing(client, county, caseworker_a, caseworker_b, clerk_a):
    body = {
        "channel": "window",
        "kind": "report",
        "content": "举报某户隐瞒收入。",
        "region_code": county.township_a.code,
        "anonymous": True,
    }
    gid = post(client, "", body, bearer(caseworker_a)).json()["grievance"]["id"]
    b = bearer(caseworker_b)
    assert client.get(f"/api/grievances/{gid}", **b).status_code == 404
    assert client.get("/api/grievances/", **b).json()["count"] == 0
    assert client.get("/api/grievances/", **bearer(clerk_a)).status_code == 403
    r = post(client, "", body, b)  # township B records about township A: refused
    assert r.status_code == 422 and Grievance.objects.count() == 1
