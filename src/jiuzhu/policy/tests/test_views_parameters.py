import datetime as dt

import pytest
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.services import parameters_load_defaults
from jiuzhu.registry.models import Relation

PERSONAS = ["clerk_a", "caseworker_a", "head_a", "caseworker_b", "approver", "admin", "auditor"]
POST = {"key": "dibao.standard.urban", "value": "600", "effective_from": "2025-07-01", "source": "县民〔2025〕8号"}


def login(client, request, persona):
    request.getfixturevalue(persona)
    assert client.login(username=persona, password=PASSWORD)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_user_can_read_the_standards(client, request, county, persona):
    parameters_load_defaults(region=county.county)
    login(client, request, persona)
    response = client.get(reverse("policy:parameters"))
    assert response.status_code == 200
    assert "城市低保标准" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, county):
    response = client.get(reverse("policy:parameters"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_only_the_county_admin_may_add_a_value(client, request, county, persona):
    login(client, request, persona)
    response = client.post(reverse("policy:parameter_add"), POST)
    assert response.status_code == 403
    assert not Parameter.objects.exists()


def test_the_county_admin_raises_the_standard_from_a_date(client, request, county):
    parameters_load_defaults(region=county.county)
    login(client, request, "admin")
    response = client.post(reverse("policy:parameter_add"), POST)
    assert response.status_code == 302
    row = Parameter.objects.get(key="dibao.standard.urban", effective_from=dt.date(2025, 7, 1))
    assert row.value == "600" and row.region == county.county


def test_bad_input_shows_a_chinese_message_and_writes_nothing(client, request, county):
    login(client, request, "admin")
    response = client.post(reverse("policy:parameter_add"), dict(POST, value="六百"))
    assert response.status_code == 400
    assert "应为数字" in response.content.decode()
    assert not Parameter.objects.exists()


def test_the_household_page_shows_the_eligibility_panel(client, request, county, make_household):
    parameters_load_defaults(region=county.county)
    household = make_household(county.village_a1, [("王建国", dt.date(1980, 1, 1), Relation.SELF, {})])
    login(client, request, "caseworker_a")
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "救助资格测算" in page
    assert "城市低保标准 528 元" in page and "王建国" in page


def test_the_panel_says_so_when_no_parameters_are_loaded(client, request, county, make_household):
    household = make_household(county.village_a1)
    login(client, request, "caseworker_a")
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "无法测算" in page
