import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from jiuzhu.core.models import AuditEntry
from jiuzhu.payments import selectors, services
from jiuzhu.payments.models import AccountFlag, LineKind, Payroll, PayrollLine, PayrollStatus

D = dt.date.fromisoformat
DEC = D("2026-12-01")


def generate(actor, county, month=DEC, **kw):
    return services.payroll_generate(actor=actor, month=month, region=kw.pop("region", county.county), **kw)


def test_a_payroll_pays_every_entitlement_of_the_month_once_in_fen(county, paying, approver):
    payroll = generate(approver, county)
    lines = list(payroll.lines.order_by("amount_fen"))
    assert [ln.amount_fen for ln in lines] == [10000, 39600, 39650, 52800, 80000]
    assert {ln.kind for ln in lines} == {LineKind.REGULAR} and {ln.service_month for ln in lines} == {DEC}
    assert payroll.line_count == 5 and payroll.total_fen == sum(ln.amount_fen for ln in lines) == 222050
    a1 = next(ln for ln in lines if ln.entitlement_id == paying["a1"].pk)
    assert a1.payee_name == "王建国" and a1.account_masked.endswith("0123") and "0123" not in a1.account_enc
    # Before its first month an entitlement pays nothing.
    october = generate(approver, county, month=D("2026-10-05"))
    assert october.month == D("2026-10-01") and october.line_count == 3


def test_one_programme_or_one_township(county, paying, approver):
    assert generate(approver, county, program="tekun").total_fen == 80000
    township = generate(approver, county, region=county.township_b)
    assert township.line_count == 1 and township.total_fen == 39600
    # The county payroll of every programme skips what the others already pay: nothing is paid twice.
    everything = generate(approver, county)
    assert everything.line_count == 3 and everything.total_fen == 222050 - 80000 - 39600


def test_generating_twice_adds_nothing_and_a_draft_can_be_discarded(county, paying, approver, admin):
    first = generate(approver, county)
    audits = AuditEntry.objects.count()
    again = generate(admin, county)
    assert again.pk == first.pk and PayrollLine.objects.count() == 5 and AuditEntry.objects.count() == audits
    services.payroll_discard(actor=admin, payroll=first)
    assert not Payroll.objects.exists() and not PayrollLine.objects.exists()
    assert generate(admin, county).line_count == 5


def test_the_database_refuses_a_month_paid_twice(county, paying, approver):
    payroll = generate(approver, county)
    line = payroll.lines.first()
    other = Payroll.objects.create(month=DEC, region=county.township_a, region_code=county.township_a.code)
    line.pk, line.payroll = None, other
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_maker_checker(county, paying, approver, approver2, admin, caseworker_a):
    payroll = generate(approver, county)
    with pytest.raises(PermissionDenied):
        services.payroll_check(actor=approver, payroll=payroll)  # the generator
    with pytest.raises(PermissionDenied):
        services.payroll_check(actor=caseworker_a, payroll=payroll)  # not a role that checks
    with pytest.raises(ValidationError):
        services.payroll_approve(actor=approver2, payroll=payroll)  # not checked yet
    payroll = services.payroll_check(actor=approver2, payroll=payroll)
    assert payroll.status == PayrollStatus.CHECKED and payroll.checked_by == approver2
    with pytest.raises(PermissionDenied):
        services.payroll_approve(actor=approver, payroll=payroll)  # the generator
    with pytest.raises(PermissionDenied):
        services.payroll_approve(actor=admin, payroll=payroll)  # the admin checks, never approves
    payroll = services.payroll_approve(actor=approver2, payroll=payroll)
    assert payroll.status == PayrollStatus.APPROVED
    audits = AuditEntry.objects.count()
    again = services.payroll_approve(actor=approver2, payroll=payroll)
    assert again.status == PayrollStatus.APPROVED and AuditEntry.objects.count() == audits
    with pytest.raises(ValidationError):
        services.payroll_discard(actor=approver, payroll=payroll)


def test_a_household_whose_account_was_refused_waits(county, paying, approver):
    hh = paying["a2"].household
    AccountFlag.objects.create(household=hh, region_code=hh.region_code, reason="账户已销户")
    payroll = generate(approver, county)
    assert not payroll.lines.filter(household=hh).exists() and payroll.line_count == 3


def test_a_township_sees_only_its_own_lines(county, paying, approver, caseworker_a, caseworker_b):
    payroll = generate(approver, county)
    assert selectors.payroll_totals(user=caseworker_b, payroll=payroll) == (1, 39600)
    assert selectors.payroll_totals(user=caseworker_a, payroll=payroll) == (4, 222050 - 39600)
    assert selectors.payroll_totals(user=approver, payroll=payroll) == (payroll.line_count, payroll.total_fen)
    township_a = generate(approver, county, month=D("2027-01-01"), region=county.township_a)
    assert selectors.payroll_get(user=caseworker_a, pk=township_a.pk) == township_a
    with pytest.raises(Http404):
        selectors.payroll_get(user=caseworker_b, pk=township_a.pk)
    assert [c.code for c in selectors.payroll_compare(user=caseworker_b, payroll=payroll)] == ["330727101"]


def test_every_difference_from_last_month_is_explained(county, paying, approver):
    generate(approver, county, month=D("2026-11-01"))
    services.entitlement_stop(actor=approver, entitlement=paying["a3"], reason="收入超标", on=D("2026-11-10"))
    services.entitlement_change_amount(
        actor=approver, entitlement=paying["a1"], monthly_amount=Decimal("600"), reason="复核调整", on=D("2026-11-10")
    )
    payroll = generate(approver, county)
    rows = {r.code: r for r in selectors.payroll_compare(user=approver, payroll=payroll)}
    a, b = rows["330727100"], rows["330727101"]
    assert (a.stopped_fen, a.changed_fen, a.new_fen) == (10000, 7200, 0)
    assert (b.diff_fen, b.total_fen, b.last_fen) == (0, 39600, 39600)
    for row in rows.values():
        assert row.explained_fen == row.diff_fen
    assert sum(r.total_fen for r in rows.values()) == payroll.total_fen


def test_households_waiting_for_an_account_correction_are_paused_not_stopped(county, paying, approver):
    generate(approver, county, month=D("2026-11-01"))
    services.entitlement_stop(actor=approver, entitlement=paying["a3"], reason="收入超标", on=D("2026-11-10"))
    a1 = paying["a1"].household
    AccountFlag.objects.create(household=a1, region_code=a1.region_code, reason="账户已销户")
    payroll = generate(approver, county)
    rows = {r.code: r for r in selectors.payroll_compare(user=approver, payroll=payroll)}
    a = rows["330727100"]
    # a1's 528 waits for its account (暂停待改账户), a3's 100 stopped: two categories, each with its count.
    assert (a.paused_count, a.paused_fen) == (1, 52800)
    assert (a.stopped_count, a.stopped_fen) == (1, 10000)
    assert (a.new_count, a.new_fen, a.changed_fen) == (0, 0, 0)
    for row in rows.values():
        assert row.explained_fen == row.diff_fen
    # Corrected before the next payroll: a1 comes back as back pay, not as a new household.
    services.account_flags_resolve(household=a1)
    january = generate(approver, county, month=D("2027-01-01"))
    rows = {r.code: r for r in selectors.payroll_compare(user=approver, payroll=january)}
    a = rows["330727100"]
    assert a.paused_count == 0 and a.backpay_fen == 52800 and a.explained_fen == a.diff_fen


def test_a_village_is_not_a_payroll_scope(county, paying, approver):
    with pytest.raises(ValidationError):
        generate(approver, county, region=county.village_a1)


def test_the_command_line(county, paying, approver, approver2, caseworker_b, caseworker_a):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("payroll", "generate", "--month", "2026-12", "--user", "approver", "--quiet", stdout=out)
    assert "5 笔，合计 2220.50 元" in out.getvalue()
    with pytest.raises(CommandError, match="生成人以外"):
        call_command("payroll", "check", "--month", "2026-12", "--user", "approver", stdout=out)
    with pytest.raises(CommandError, match="--user"):
        call_command("payroll", "approve", "--month", "2026-12", stdout=out)
    call_command("payroll", "check", "--month", "2026-12", "--user", "approver2", stdout=out)
    call_command("payroll", "approve", "--month", "2026-12", "--user", "approver2", stdout=out)
    assert Payroll.objects.get().status == PayrollStatus.APPROVED
    out = StringIO()
    call_command("payroll", "show", "--month", "2026-12", "--region", "330727101", "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())
    number = paying["b1"].household.number
    assert doc == {
        "month": "2026-12",
        "count": 1,
        "total": "396.00",
        "lines": [
            {
                "household": number,
                "program": "dibao_rural",
                "kind": "regular",
                "service_month": "2026-12",
                "amount": "396.00",
                "status": "pending",
            }
        ],
    }
    out = StringIO()
    call_command("payroll", "show", "--month", "2026-12", "--user", "caseworker_b", stdout=out)
    assert f"{number}\tdibao_rural\tregular\t2026-12\t396.00" in out.getvalue()
    assert out.getvalue().count("\n") == 3
    out = StringIO()
    call_command("payroll", "show", "--month", "2027-01", "--user", "caseworker_a", stdout=out)
    assert "合计：0 笔，0.00 元" in out.getvalue()


def test_fen_are_exact_whatever_the_amount(county, make_household, approver):
    from jiuzhu.payments.tests.conftest import entitle

    amounts = ["0.29", "0.01", "1234.57", "999.99", "10.10"]
    for amount in amounts:
        entitle(approver, make_household(county.village_a1), "dibao_urban", amount, "2026-10-01")
    payroll = generate(approver, county)
    assert sorted(payroll.lines.values_list("amount_fen", flat=True)) == [1, 29, 1010, 99999, 123457]
    assert payroll.total_fen == 1 + 29 + 1010 + 99999 + 123457


def test_a_line_without_its_parents_is_refused_by_the_database(county, paying, approver):
    """The lines' parents are checked set-based by triggers (migration 0007), not by deferred foreign keys."""
    payroll = generate(approver, county)
    line = payroll.lines.order_by("id").first()
    for field, missing in (("household_id", 10**9), ("entitlement_id", 10**9), ("payroll_id", 10**9)):
        orphan = PayrollLine.objects.get(pk=line.pk)
        orphan.pk, orphan.service_month, orphan.kind = None, D("2030-01-01"), LineKind.BACKPAY
        setattr(orphan, field, missing)
        with pytest.raises(IntegrityError), transaction.atomic():
            orphan.save()
        with pytest.raises(IntegrityError), transaction.atomic():
            PayrollLine.objects.filter(pk=line.pk).update(**{field: missing})
    assert payroll.lines.count() == 5


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_parent_with_lines_cannot_be_deleted_behind_django(county, paying, approver):
    payroll = generate(approver, county)
    line = payroll.lines.order_by("id").first()
    for table, pk in (
        ("registry_household", line.household_id),
        ("payments_entitlement", line.entitlement_id),
        ("payments_payroll", payroll.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    services.payroll_discard(actor=approver, payroll=payroll)  # Django's cascade: lines first, then the payroll
    assert not PayrollLine.objects.exists()


def test_a_recovery_is_taken_from_the_regular_pay_written_in_the_same_payroll(county, make_household, approver):
    """The regular lines are written by the database (INSERT … SELECT) before the adjustments: a recovery is
    still capped at what the household receives in this payroll, the rest goes to the collection list, and
    the household's lines all name the account its regular line copied."""
    from jiuzhu.payments.models import Collection
    from jiuzhu.payments.tests.conftest import entitle

    hh = make_household(county.village_a1)
    big = entitle(approver, hh, "dibao_urban", "528", "2026-01-01")
    small = entitle(approver, hh, "canji_shenghuo", "100", "2026-01-01")
    for month in (D("2026-05-01"), D("2026-06-01")):
        generate(approver, county, month=month)
    services.entitlement_change_amount(
        actor=approver, entitlement=big, monthly_amount=Decimal("10"), reason="收入增加", on=D("2026-04-20")
    )
    july = generate(approver, county, month=D("2026-07-01"))
    lines = list(july.lines.filter(household=hh).order_by("kind", "service_month"))
    regular = [ln.amount_fen for ln in lines if ln.kind == LineKind.REGULAR]
    recovered = [ln.amount_fen for ln in lines if ln.kind == LineKind.RECOVERY]
    assert sorted(regular) == [1000, 10000] and sum(recovered) == -11000
    assert sum(ln.amount_fen for ln in lines) == 0
    assert {(ln.payee_name, ln.account_enc) for ln in lines} == {(lines[0].payee_name, lines[0].account_enc)}
    owed = Collection.objects.filter(household=hh, payroll=july)
    assert sum(c.amount_fen for c in owed) == 2 * (52800 - 1000) - 11000
    assert july.line_count == july.lines.count() and july.total_fen == sum(
        july.lines.values_list("amount_fen", flat=True)
    )
    assert small.pk in set(july.lines.values_list("entitlement_id", flat=True))
