"""Two people export the same payroll, or import the same return file, at the same moment: one wins, the
other is refused, nothing is doubled.

Runs on PostgreSQL only (the row lock on the payroll is what is tested; SQLite serialises whole
transactions): DATABASE_URL=postgres://... pytest -m postgres src/jiuzhu/payments/tests/test_bank_race.py"""

import threading

import pytest
from django.db import connection, connections

from jiuzhu.accounts.models import Role
from jiuzhu.conftest import _user
from jiuzhu.payments.bankfiles.export import bank_file_export
from jiuzhu.payments.bankfiles.layouts import BankFileError
from jiuzhu.payments.bankfiles.returns import bank_return_import
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import AccountFlag, BankFile, BankReturn, Payroll
from jiuzhu.payments.tests.bank_support import build_payroll

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(work, users):
    barrier = threading.Barrier(len(users))
    results: list[str] = []

    def run(user):
        try:
            barrier.wait()
            results.append(work(user))
        except BankFileError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_two_exports_at_once_write_one_file(county, make_household, approver):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    second = _user("approver2", Role.COUNTY_APPROVER, county.county)
    built = build_payroll(county, make_household)

    def export(user):
        bank_file_export(actor=user, payroll=Payroll.objects.get(pk=built.payroll.pk), layout="csv")
        return "ok"

    assert _at_once(export, [approver, second]) == ["ok", "refused"]
    assert BankFile.objects.count() == 1


def test_the_same_return_twice_at_once_is_taken_once(county, make_household, approver):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    second = _user("approver2", Role.COUNTY_APPROVER, county.county)
    built = build_payroll(county, make_household)
    bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    data = bank_return_simulate(payroll=built.payroll, layout="nongshang_txt", failures={built.other.pk: "销户"})

    def take(user):
        return "new" if bank_return_import(actor=user, data=data, filename="r.txt").created else "seen"

    assert _at_once(take, [approver, second]) == ["new", "seen"]
    assert BankReturn.objects.count() == 1 and AccountFlag.objects.count() == 1
