"""The application form in a browser: 临时救助类型 appears only for 临时救助, 单人保 only for 低保."""

import pytest

from jiuzhu.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_programme_fields_follow_the_programme(page, live_server, clerk_a, dibao_household):
    base = live_server.url
    page.goto(base + "/")
    page.fill("#id_username", clerk_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/cases/apply/{dibao_household.pk}/")
    page.select_option("select[name=program]", "dibao_urban")
    assert not page.locator("select[name=linshi_kind]").is_visible()
    assert page.locator("input[name=single_person]").is_visible()
    page.select_option("select[name=program]", "linshi")
    assert page.locator("select[name=linshi_kind]").is_visible()
    assert not page.locator("input[name=single_person]").is_visible()
    head = dibao_household.members.get(relation="self")
    assert page.locator("select[name=applicant]").input_value() == str(head.pk)
