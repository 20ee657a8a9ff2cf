"""A county-approved 临时救助: what the reserve fund did not pay goes to the next payroll, once."""

import datetime as dt
from decimal import Decimal

from jiuzhu.cases import services
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import LineKind, OneOffGrant


def confirm(case, approver, amount):
    # The township proposed what the county confirms: an amount above the township's (nothing is computed for
    # 临时救助) would wait for a second approver's check (test_amount_check).
    Case.objects.filter(pk=case.pk).update(opinion_amount=Decimal(amount))
    case.refresh_from_db()
    return services.case_confirm(
        actor=approver, case=case, amount=Decimal(amount), override_reason="县级按实际困难确定", on=TODAY
    )


def test_the_rest_beyond_the_emergency_payment_is_paid_by_the_payroll(new_case, county, caseworker_a, head_a, approver):
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("5000"), on=TODAY)
    case = new_case(program="linshi", linshi_kind="emergency")
    case = services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("1500"), on=TODAY)
    case = confirm(at_state(case, Status.NOTICE, opinion_by=head_a), approver, "4000")
    grant = OneOffGrant.objects.get()
    assert (grant.amount, grant.source_key, grant.program) == (Decimal("2500.00"), f"linshi:{case.pk}", "linshi")
    assert (grant.household_id, grant.decided_on, grant.line_id) == (case.household_id, TODAY, None)
    month = dt.date(2025, 7, 1)
    payroll = payments.payroll_generate(actor=approver, month=month, region=county.county)
    line = payroll.lines.get(kind=LineKind.ONE_OFF, source_key=f"linshi:{case.pk}")
    assert line.amount_fen == 250000 and case.number in line.note
    nxt = payments.payroll_generate(actor=approver, month=dt.date(2025, 8, 1), region=county.county)
    assert not nxt.lines.filter(kind=LineKind.ONE_OFF).exists()


def test_nothing_waits_when_the_reserve_fund_paid_it_all(new_case, county, caseworker_a, head_a, approver):
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("5000"), on=TODAY)
    case = new_case(program="linshi", linshi_kind="emergency")
    case = services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("1500"), on=TODAY)
    confirm(at_state(case, Status.NOTICE, opinion_by=head_a), approver, "1500")
    assert not OneOffGrant.objects.exists()


def test_an_expense_type_grant_is_paid_whole(new_case, head_a, approver):
    case = confirm(at_state(new_case(program="linshi", linshi_kind="expense"), Status.NOTICE, opinion_by=head_a),
                   approver, "3000")  # fmt: skip
    assert OneOffGrant.objects.get().amount == Decimal("3000.00") and case.status == Status.APPROVED
