"""The case list finds a case by number, by any member's ID number or by name, and narrows by township and date
(issue #10: "the case list cannot be searched by name, ID number or case number, nor filtered by township or
date")."""

import datetime as dt

from jiuzhu.cases.models import Case


def _numbers(client, **params):
    html = client.get("/cases/all/", params).content.decode()
    return {c.number for c in Case.objects.all() if c.number in html}


def test_search_by_case_number_id_number_and_name(client, new_case, caseworker_a, dibao_household):
    first, second = new_case(), new_case(program="linshi", linshi_kind="emergency")
    client.force_login(caseworker_a)
    assert _numbers(client, q=first.number) == {first.number}
    grandson = dibao_household.members.get(name="王小明")  # any member's ID finds the household's cases
    assert _numbers(client, q=grandson.id_number) == {first.number, second.number}
    wrong = grandson.id_number[:-1] + ("1" if grandson.id_number[-1] != "1" else "2")
    assert _numbers(client, q=wrong) == set()  # a wrong check digit finds nothing
    assert _numbers(client, q="王建") == {first.number, second.number}
    assert _numbers(client, q="李") == set()


def test_filter_by_township_and_submission_date(client, new_case, approver, county):
    case = new_case()
    client.force_login(approver)
    assert _numbers(client, region=county.township_a.prefix) == {case.number}
    assert _numbers(client, region=county.township_b.prefix) == set()
    day = case.submitted_at
    assert _numbers(client, **{"from": day.isoformat(), "to": day.isoformat()}) == {case.number}
    assert _numbers(client, **{"from": (day + dt.timedelta(days=1)).isoformat()}) == set()
    assert client.get("/cases/all/", {"from": "2025-13-45", "q": "x" * 500}).status_code == 200


def test_another_township_cannot_find_the_case_by_id_number(client, new_case, caseworker_b, dibao_household):
    new_case()
    client.force_login(caseworker_b)
    head = dibao_household.members.get(name="王建国")
    assert _numbers(client, q=head.id_number) == set()
