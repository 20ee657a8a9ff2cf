"""Background jobs of the reports app: the month's snapshot, rebuilt after each payroll approved or
reconciled (`jiuzhu db_worker` runs it). The build replaces the month in one transaction, so a worker killed
halfway leaves the previous snapshot and the job can simply run again."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django_tasks import task

from jiuzhu.reports.services.snapshots import snapshot_build

log = logging.getLogger(__name__)


@task()
def snapshot_build_job(month: str) -> int:
    """Rebuilds the snapshot of `month` (YYYY-MM-DD); returns the rows written."""
    rows = snapshot_build(month=dt.date.fromisoformat(month), progress=lambda p, s: log.info("snapshot %s %s%%", s, p))
    log.info("snapshot %s: %d rows", month, rows)
    return rows


def snapshot_after_payroll(*, month: object) -> None:
    """The payments hook: once the approving transaction commits, the month's snapshot is rebuilt."""
    if isinstance(month, dt.date):
        iso = month.isoformat()
        transaction.on_commit(lambda: snapshot_build_job.enqueue(iso))
