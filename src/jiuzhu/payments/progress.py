"""The progress of a background job (PayrollJob), stored while the job runs so that its page can show it.

A payroll and a 提标 apply are each written in one transaction, and a row updated inside it stays invisible
to the page until the commit. So progress is written beside that transaction: on PostgreSQL by a second,
autocommitting connection (the job row is not one the transaction touches, so nothing waits); on SQLite,
which has one writer at a time, to a small JSON file in the data directory (one machine runs the worker and
the server there). Outside a transaction the row is updated directly. `job_progress_read` merges both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from jiuzhu.payments.models import PayrollJob

Progress = Callable[[int, str], None]  # percent 0..100, stage


def _file(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{int(job_id)}.json"


def _write_file(job_id: int, percent: int, stage: str) -> None:
    path = _file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"percent": percent, "stage": stage}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # atomic: a reader sees the old or the new, never half


def _write_side(job_id: int, percent: int, stage: str) -> None:
    """On PostgreSQL: one autocommitted UPDATE of the job row by a connection of its own."""
    own = connections[DEFAULT_DB_ALIAS]
    side: Any = type(own)(dict(own.settings_dict), DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cur:
            cur.execute(
                f"UPDATE {PayrollJob._meta.db_table} SET percent = %s, stage = %s WHERE id = %s",
                [percent, stage[:100], job_id],
            )
    finally:
        side.close()


def job_progress_save(job_id: int, percent: int, stage: str) -> None:
    """Records that job `job_id` is at `percent` (clipped to 0..100), doing `stage`."""
    percent = max(0, min(100, int(percent)))
    if not connection.in_atomic_block:
        PayrollJob.objects.filter(pk=job_id).update(percent=percent, stage=stage[:100])
    elif connection.vendor == "postgresql":
        _write_side(job_id, percent, stage)
    else:
        _write_file(job_id, percent, stage)


def job_progress(job_id: int) -> Progress:
    """A progress callback for the services (payroll_generate, entitlements_recompute) that stores each new
    percentage of job `job_id`; repeating the same percentage and stage writes nothing."""
    last: list[tuple[int, str]] = []

    def report(percent: int, stage: str) -> None:
        if last and last[-1] == (percent, stage):
            return
        last[:] = [(percent, stage)]
        job_progress_save(job_id, percent, stage)

    return report


def job_progress_read(job: PayrollJob) -> tuple[int, str]:
    """(percent, stage) of `job` as far as it has come: its row, or the file its worker writes on SQLite."""
    percent, stage = job.percent, job.stage
    if job.status in (PayrollJob.Status.DONE, PayrollJob.Status.FAILED):
        return (100 if job.status == PayrollJob.Status.DONE else percent), stage
    try:
        data = json.loads(_file(job.pk).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return percent, stage
    if int(data.get("percent", 0)) >= percent:
        percent, stage = int(data["percent"]), str(data.get("stage", ""))
    return percent, stage


def job_progress_clear(job_id: int) -> None:
    """Removes the side file once the job's row holds its outcome."""
    _file(job_id).unlink(missing_ok=True)
