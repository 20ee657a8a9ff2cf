"""Two approvers confirm the same case at the same moment: exactly one wins, one entitlement exists.

Runs on PostgreSQL only (row locks are what is tested; SQLite serialises whole transactions):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiuzhu_cases_test pytest -m postgres ..."""

import threading

import pytest
from django.db import connection, connections

from jiuzhu.accounts.models import Role
from jiuzhu.cases import services
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.conftest import _user
from jiuzhu.payments.models import Entitlement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_approvers_confirming_at_once_make_one_decision(county, head_a, approver, new_case):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    second = _user("approver2", Role.COUNTY_APPROVER, county.county)
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def confirm(user):
        try:
            barrier.wait()
            services.case_confirm(actor=user, case=Case.objects.get(pk=case.pk), on=TODAY)
            results.append("ok")
        except services.IllegalStep:
            results.append("illegal")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (approver, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["illegal", "ok"]
    assert Entitlement.objects.filter(source_case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED
