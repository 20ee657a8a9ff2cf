import logging
import re
from decimal import Decimal
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse

from jiuzhu.policy import casebook
from jiuzhu.portal.tests.selfcheck_data import golden, selfcheck_post

URL = reverse("portal:self_check")
CASES = [
    ("dibao_rural", "15 周岁属于未成年人，加发 10%"),
    ("dibao_rural", "低保边缘家庭中的二级残疾人单人保（含重度残疾加发）"),
    ("dibao_rural", "有工商登记的，不予认定"),
]


def _amount(html: str, program: str) -> Decimal | None:
    block = html.split(f'data-program="{program}"')[1].split('class="estimate')[0]
    found = re.search(r'data-amount="([\d.]+)"', block)
    return Decimal(found.group(1)) if found else None


@pytest.mark.parametrize(("program", "name"), CASES)
def test_the_self_check_gives_the_engines_amount_for_golden_cases(client, standards, program, name):
    case = golden(program, name)
    _result, outcome = casebook.run_monthly(case)
    response = client.post(URL, selfcheck_post(case, standards.village_a2.code))
    assert response.status_code == 200, response.content.decode()
    html = response.content.decode()
    if outcome.eligible:
        assert _amount(html, program) == outcome.amount == Decimal(case["expect"]["monthly"])
    else:
        assert _amount(html, program) is None
    # The engine's own explanation lines are shown, every one of them (members are "成员1"… on the portal).
    names = {str(m["id"]): f"成员{i}" for i, m in enumerate(case["household"]["members"], start=1)}
    for line in outcome.explain:
        for name, label in names.items():
            line = line.replace(name, label)
        assert line in unescape(html)


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label != "portal.RateCounter"}


def test_nothing_typed_is_stored_or_logged(client, standards, caplog):
    case = golden(*CASES[0])
    before = _row_counts()
    with caplog.at_level(logging.DEBUG):
        response = client.post(URL, selfcheck_post(case, standards.village_a2.code) | {"m0-income_wage": "123.45"})
    assert response.status_code == 200
    assert _row_counts() == before
    assert "123.45" not in caplog.text


def test_a_get_with_a_query_string_computes_nothing(client, standards):
    html = client.get(URL, {"village": standards.village_a2.code, "m0-age": "40"}).content.decode()
    assert 'id="estimates"' not in html


def test_an_empty_household_is_asked_for_a_member(client, standards):
    response = client.post(URL, {"village": standards.village_a2.code, "area": "rural", "vehicles": "0", "homes": "1"})
    assert response.status_code == 400
    assert "请至少填写一名家庭成员的年龄" in response.content.decode()
