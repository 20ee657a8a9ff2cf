import re

import pytest
from django.test import Client
from django.urls import reverse

from jiuzhu.cases import services as case_services
from jiuzhu.cases.models import Case
from jiuzhu.portal.models import RateCounter
from jiuzhu.portal.tests.conftest import application

URL = reverse("portal:status")


@pytest.fixture
def submitted(client, standards):
    response = client.post(reverse("portal:apply"), application(standards.village_a2.code))
    html = response.content.decode()
    code = html.split('id="query-code">')[1].split("<")[0]
    return Case.objects.get(), code


def _result(response) -> str:
    """The page without its CSRF token, which differs on every response."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_the_right_code_shows_the_stage_and_dates(client, submitted, caseworker_a):
    case, code = submitted
    case_services.case_accept(actor=caseworker_a, case=case)
    html = client.post(URL, {"number": case.number, "code": code.lower()}).content.decode()
    assert 'id="status-result"' in html
    assert "待入户调查" in html and "受理" in html
    assert case.household.head_name not in html and "13912345678" not in html


def test_a_wrong_code_and_an_unknown_number_give_the_same_answer(client, submitted):
    case, code = submitted
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    by_wrong_code = client.post(URL, {"number": case.number, "code": wrong})
    unknown = client.post(URL, {"number": "330727100" + "2099" + "99999", "code": code})
    assert 'id="status-none"' in by_wrong_code.content.decode()
    assert by_wrong_code.status_code == unknown.status_code == 200
    # Word for word the same, apart from the number the visitor typed themselves.
    assert _result(by_wrong_code).replace(case.number, "N") == _result(unknown).replace("330727100209999999", "N")
    assert "待受理" not in by_wrong_code.content.decode()


def test_a_window_case_without_a_code_cannot_be_read(client, standards, make_household, clerk_a):
    hh = make_household(standards.village_a1)
    case = case_services.case_submit(actor=clerk_a, household=hh, program="dibao_urban", applicant=hh.members.get())
    html = client.post(URL, {"number": case.number, "code": ""}).content.decode()
    assert 'id="status-none"' in html


def test_the_lookup_is_by_post_only(client, submitted):
    case, code = submitted
    html = client.get(URL, {"number": case.number, "code": code}).content.decode()
    assert 'id="status-result"' not in html and 'id="status-none"' not in html


def test_lookups_are_limited_per_ip(client, submitted, settings):
    settings.PORTAL_RATE_LIMITS = {"status": (3, 600), "status_number": (100, 3600)}
    case, code = submitted
    codes = [client.post(URL, {"number": case.number, "code": "WRONG"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # The right code does not get through either while the window lasts.
    assert client.post(URL, {"number": case.number, "code": code}).status_code == 429
    # Another address is counted apart.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post(URL, {"number": case.number, "code": code}).status_code == 200


def test_lookups_of_one_number_are_limited_from_any_ip(submitted, settings):
    settings.PORTAL_RATE_LIMITS = {"status": (100, 600), "status_number": (3, 3600)}
    case, _code = submitted
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{i}").post(URL, {"number": case.number, "code": "WRONG"}).status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    # No address and no case number is stored in clear.
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert keys and not any("10.0.0" in k or case.number in k for k in keys)
