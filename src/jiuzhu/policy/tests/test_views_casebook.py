"""规则测试用例: policy staff read every programme's golden cases, with the engine's answer beside them."""

import pytest

from jiuzhu.policy import casebook


def test_the_index_lists_every_programme_with_its_number_of_cases(client, caseworker_a):
    client.force_login(caseworker_a)
    html = client.get("/policy/cases/").content.decode()
    for chapter in casebook.chapters():
        assert f"/policy/cases/{chapter.code}/" in html
        assert chapter.name in html
    assert "城市最低生活保障" in html and "临时救助" in html


def test_a_monthly_programme_shows_the_rule_the_household_and_both_answers(client, caseworker_a):
    client.force_login(caseworker_a)
    html = client.get("/policy/cases/dibao_urban/").content.decode()
    assert "规则与依据" in html and "528" in html  # the file's statement of the rule and the standard
    assert "议题中的算例：成年子女在校读书" in html
    assert "肢体残疾1级" in html and "在校学生" in html and "工资性收入 1041.67 元" in html
    assert "<div>家庭月人均收入 312.50 元 &lt; 城市低保标准 528 元；差额 215.50 元 × 3 人" in html  # the engine's line
    assert "与预期不一致" not in html and "系统计算全部与预期一致" in html


def test_an_event_programme_shows_its_arguments_in_words(client, caseworker_a):
    client.force_login(caseworker_a)
    html = client.get("/policy/cases/yiliao/").content.decode()
    assert "政策范围内个人自付（元）" in html and "低保对象" in html
    assert "与预期不一致" not in html


def test_a_case_that_disagrees_is_shown_as_such(client, caseworker_a, monkeypatch):
    chapter = casebook.chapter("weiwen")
    wrong = dict(chapter.cases[0], expect=dict(chapter.cases[0]["expect"], amount=12345))
    monkeypatch.setattr(chapter, "cases", [wrong, *chapter.cases[1:]])
    client.force_login(caseworker_a)
    html = client.get("/policy/cases/weiwen/").content.decode()
    assert "与预期不一致" in html and "amount:" in html


@pytest.mark.parametrize("url", ["/policy/cases/", "/policy/cases/dibao_urban/"])
def test_the_casebook_needs_a_login(client, url):
    assert client.get(url).status_code == 302


def test_an_unknown_programme_is_not_found(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get("/policy/cases/nonsense/").status_code == 404
