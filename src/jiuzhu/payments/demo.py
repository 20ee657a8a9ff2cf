"""The demo county's money: last month's payroll paid and reconciled, this month's generated and waiting
for its check (called by the demo app after the cases and the logins exist)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.payments.models import LineStatus, Payroll, PayrollStatus, first_of_month
from jiuzhu.payments.services.payroll import payroll_approve, payroll_check, payroll_generate
from jiuzhu.regions.models import Region


def _previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


@transaction.atomic
def payroll_seed(*, county: Region, today: dt.date, maker: User, checker: User) -> dict[str, int]:
    """Returns the number of lines of each payroll written, by month (YYYY-MM)."""
    this = first_of_month(today)
    last = payroll_generate(actor=maker, month=_previous_month(this), region=county)
    payroll_check(actor=checker, payroll=last)
    payroll_approve(actor=checker, payroll=last)
    # The bank paid every line. Helper "bank"'s export and return import replace these two updates once
    # merged; until then the demo records the bank's answer directly, as a return file would.
    now = timezone.now()
    last.lines.update(status=LineStatus.PAID)
    Payroll.objects.filter(pk=last.pk).update(status=PayrollStatus.RECONCILED, exported_at=now, reconciled_at=now)
    current = payroll_generate(actor=maker, month=this, region=county)
    return {f"{last.month:%Y-%m}": last.line_count, f"{current.month:%Y-%m}": current.line_count}
