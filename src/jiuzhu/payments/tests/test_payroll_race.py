"""Two processes generate (and two approve) the same payroll at the same moment: one payroll, its lines once.

Runs on PostgreSQL only (the unique index and row locks are what is tested; SQLite serialises whole
transactions): DATABASE_URL=postgres://… pytest -m postgres src/jiuzhu/payments"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from jiuzhu.payments import services
from jiuzhu.payments.models import Payroll, PayrollLine, PayrollStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(fn, users):
    barrier = threading.Barrier(len(users))
    results: list[object] = []

    def run(user):
        try:
            barrier.wait()
            results.append(fn(user))
        except Exception as exc:  # noqa: BLE001 - the test asserts on what happened
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_processes_generating_and_approving_at_once_add_nothing(county, paying, approver, admin, approver2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    month = dt.date(2026, 12, 1)
    results = _at_once(
        lambda u: services.payroll_generate(actor=u, month=month, region=county.county).pk, [approver, admin]
    )
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results)
    assert Payroll.objects.count() == 1 and PayrollLine.objects.count() == 5
    payroll = Payroll.objects.get()
    services.payroll_check(actor=approver2, payroll=payroll)
    other = services.payroll_approve  # two approvals at once: one changes the state, the other finds it done
    results = _at_once(lambda u: other(actor=u, payroll=Payroll.objects.get()).status, [approver2, approver2])
    assert results == [PayrollStatus.APPROVED, PayrollStatus.APPROVED]
    assert Payroll.objects.get().status == PayrollStatus.APPROVED


def test_two_applies_of_one_raise_at_once_raise_each_link_once(standards, dibao, make_household, admin, approver):
    """Two county admins apply the same 提标 at the same moment (two terminals, or the page and the command):
    the one that comes second waits for the first and finds every link already raised. It used to read the
    links before the first had written, and fail with the database's duplicate-key error as a traceback."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    from jiuzhu.payments.models import Entitlement
    from jiuzhu.payments.services.recompute import entitlements_recompute
    from jiuzhu.payments.tests.conftest import entitle
    from jiuzhu.payments.tests.test_recompute import KEY, raise_standard
    from jiuzhu.registry.models import Relation

    # More than one link, so that the apply takes a moment.
    for i in range(12):
        hh = make_household(standards.village_a1, [(f"钱{i}", dt.date(1970, 1, 1), Relation.SELF, {})])
        entitle(approver, hh, "dibao_urban", "528", "2026-01-01")
    raise_standard(standards, admin, "600")
    results = _at_once(
        lambda u: entitlements_recompute(actor=u, key=KEY, region=standards.county, effective_from=dt.date(2026, 4, 1)),
        [admin, admin],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.raised for r in results) == [0, 13] and sorted(r.already for r in results) == [0, 13]
    assert Entitlement.objects.filter(previous__isnull=False).count() == 13
