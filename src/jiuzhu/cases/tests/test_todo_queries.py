"""The to-do list in a fixed number of queries however many cases wait (issue #11, load): the notices that
the confirm step checks are read for all cases at once, and still decide which cases may be confirmed."""

import datetime as dt

from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.registry.models import Relation


def _on_notice(county, make_household, clerk_a, n: int, *, notice_end: dt.date, first: int = 0):
    cases = []
    for i in range(first, first + n):
        household = make_household(county.village_a1, [(f"王{i}", dt.date(1950, 1, 1 + i), Relation.SELF, {})])
        case = services.case_submit(
            actor=clerk_a,
            household=household,
            program="dibao_urban",
            applicant=household.members.get(),
            channel="entrusted",
            reason="无收入",
            on=TODAY - dt.timedelta(days=22),
        )
        cases.append(at_state(case, Status.NOTICE, notice_end=notice_end))
    return cases


def test_the_todo_list_reads_every_notice_at_once(
    county, make_household, clerk_a, approver, django_assert_max_num_queries
):
    ended = _on_notice(county, make_household, clerk_a, 6, notice_end=TODAY - dt.timedelta(days=3))
    running = _on_notice(county, make_household, clerk_a, 2, notice_end=TODAY + dt.timedelta(days=2), first=10)
    with django_assert_max_num_queries(4):
        items = selectors.todo_for(user=approver, on=TODAY)
    confirm = {i.case.pk for i in items if i.action == "confirm"}
    assert confirm == {c.pk for c in ended}  # a notice still running keeps its case off the list
    assert not confirm & {c.pk for c in running}


def test_the_todo_page_takes_the_same_queries_for_one_case_or_many(
    client, county, make_household, clerk_a, approver, django_assert_max_num_queries
):
    _on_notice(county, make_household, clerk_a, 8, notice_end=TODAY - dt.timedelta(days=3))
    client.force_login(approver)
    with django_assert_max_num_queries(10):
        response = client.get("/cases/")
    assert response.status_code == 200
    assert response.content.decode().count("/decide/") >= 8
