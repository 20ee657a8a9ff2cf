"""Background jobs of the desk: the daily escalation, for a worker's schedule (`jiuzhu db_worker`)."""

from __future__ import annotations

from django_tasks import task

from jiuzhu.grievances.services import grievances_escalate


@task()
def grievances_escalate_job() -> int:
    """Flags today's overdue grievances; safe to run again (what is flagged stays flagged once)."""
    return len(grievances_escalate())
