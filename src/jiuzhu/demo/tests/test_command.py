from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuzhu.accounts.models import ROLE_LEVEL, Role, User
from jiuzhu.core.models import AuditEntry
from jiuzhu.demo.services import DEMO_PASSWORD, DEMO_USERS
from jiuzhu.payments.models import (
    AccountFlag,
    BankReturn,
    Cause,
    Collection,
    EntitlementEvent,
    LineKind,
    LineStatus,
    Payroll,
    PayrollStatus,
)
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Person


def run(**options: Any) -> str:
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_builds_a_county_with_logins_for_every_role() -> None:
    output = run(households=300, seed=3)
    assert Region.objects.get(code="330727000000").name == "磐安县"
    assert Region.objects.filter(level=Level.TOWNSHIP, code__startswith="330727").count() >= 14
    villages = Region.objects.filter(level=Level.VILLAGE)
    assert villages.filter(urban_rural__startswith="1").exists() and villages.filter(urban_rural="220").exists()
    assert Household.objects.count() == 300
    assert Household.objects.filter(region__level=Level.VILLAGE).count() == 300
    persons = Person.objects.count()
    assert 600 < persons < 1100
    assert Person.objects.filter(household__isnull=True).count() == 0
    head = Person.objects.filter(relation="self").select_related("household").first()
    assert head is not None and head.household.head_name == head.name and head.name_initials
    assert len(head.id_number) == 18 and head.id_masked.startswith(head.id_number[:6])
    users = {u.username: u for u in User.objects.select_related("region")}
    assert {u.role for u in users.values()} == set(Role)
    for spec in DEMO_USERS:
        user = users[spec.username]
        assert user.region is not None and user.region.level == ROLE_LEVEL[spec.role]
        assert user.check_password(DEMO_PASSWORD)
        assert user.can_reveal_pii == spec.can_reveal_pii
        assert spec.username in output
    assert users["caseworker"].region != users["caseworker2"].region
    assert DEMO_PASSWORD in output and "http://127.0.0.1:8000/" in output
    assert "村居经办" in output and "监督审计" in output
    assert AuditEntry.objects.filter(action="import", object_type="household").exists()
    # Two years of payrolls reconciled, this month's generated and waiting for its check.
    *history, last, current = Payroll.objects.order_by("month")
    assert (last.status, current.status) == (PayrollStatus.RECONCILED, PayrollStatus.DRAFT)
    assert len(history) == 23 and {p.status for p in history} == {PayrollStatus.RECONCILED}
    assert current.line_count > 0 and current.generated_by == users["admin"] and "资金发放" in output


@pytest.mark.django_db
def test_second_run_reuses_the_county() -> None:
    run(households=50)
    output = run(households=50)
    assert "已有演示县" in output
    assert Household.objects.count() == 50


@pytest.mark.django_db
def test_refuses_a_database_holding_something_else(county: Any) -> None:
    with pytest.raises(CommandError, match="--reset"):
        run(households=50)
    Region.objects.create(code="110000000000", name="北京市", level=Level.PROVINCE)
    with pytest.raises(CommandError, match="拒绝清空"):
        run(households=50, reset=True)
    assert Region.objects.filter(code="330727000000").exists()


@pytest.mark.django_db(transaction=True)  # flush on PostgreSQL cannot run inside a test transaction
def test_reset_rebuilds_the_county() -> None:
    run(households=30)
    output = run(households=40, seed=2, reset=True)
    assert "已清空数据库" in output
    assert Household.objects.count() == 40
    assert User.objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_demo_payrolls_tell_the_month_story() -> None:
    """Last month paid through the bank with failures, one account corrected; a 提标 applied late and a death
    found after payment: this month's payroll carries back pay, and the death's overpayment is recovered or
    put on the collection list."""
    output = run(households=800, seed=1)
    *_history, last, current = Payroll.objects.order_by("month")
    failed = last.lines.filter(status=LineStatus.FAILED)
    # Two or three transfers (one per household) fail, and every line they carried (低保 or 特困, a price subsidy).
    households = failed.values("household_id").distinct().count()
    assert 2 <= households <= 3 and BankReturn.objects.filter(payroll=last, failed=households).exists()
    flags = AccountFlag.objects.filter(household_id__in=failed.values("household_id"))
    assert flags.count() == households and flags.filter(resolved_at__isnull=False).count() == 1
    corrected = flags.get(resolved_at__isnull=False).household_id
    waiting = set(flags.filter(resolved_at__isnull=True).values_list("household_id", flat=True))
    assert current.lines.filter(household_id=corrected, kind=LineKind.BACKPAY, service_month=last.month).exists()
    assert not current.lines.filter(household_id__in=waiting).exists()
    # The 提标 (saved five months back, applied now) pays last month's difference as back pay.
    raised = EntitlementEvent.objects.filter(cause=Cause.RECOMPUTE).count()
    assert raised > 10 and current.lines.filter(kind=LineKind.BACKPAY, note__contains="提标").count() > 10
    # The death: stopped retroactively; the one-person household has nothing left, so it is collected.
    # (The cross-checks' demo records other deaths through its findings: those are not this story's.)
    deaths = Person.objects.filter(date_of_death__isnull=False, entitlements__isnull=False)
    dead = deaths.exclude(findings__action="record_death").distinct().get()
    assert Collection.objects.filter(household=dead.household, payroll=current).exists()
    # One collection per entitlement overpaid (低保, and the 老年人补贴 an elderly member drew with it).
    collected = Collection.objects.filter(payroll=current).count()
    assert "补发" in output and f"列入追缴 {collected} 笔" in output
