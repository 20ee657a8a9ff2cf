"""Background jobs of the payments app: generating a payroll from the web page (`jiuzhu db_worker` runs it).

The payroll is written in one transaction, so a worker killed halfway leaves nothing and the job can simply
run again; the unique (month, region, programme) makes a second run, or a second worker, add nothing."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from jiuzhu.accounts.models import User
from jiuzhu.payments.services.payroll import payroll_generate
from jiuzhu.regions.models import Region


@task()
def payroll_generate_job(user_id: int, month: str, region_id: int, program: str) -> int:
    """Generates (or finds) the payroll; returns its id."""
    user = User.objects.select_related("region").get(pk=user_id)
    region = Region.objects.get(pk=region_id)
    payroll = payroll_generate(actor=user, month=dt.date.fromisoformat(month), region=region, program=program)
    return payroll.pk
