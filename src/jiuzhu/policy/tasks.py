"""Background jobs of the policy app: the bulk refresh of the stored evaluations (`jiuzhu db_worker` runs it),
queued after a parameter change; nightly by `jiuzhu evaluations refresh` (cron or the worker's schedule)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from jiuzhu.policy.services import evaluations_refresh
from jiuzhu.regions.models import Region


@task()
def evaluations_refresh_job(region_code: str, date: str = "") -> int:
    """Stores every household's evaluation under the region on `date` (ISO; default today). Safe to re-run:
    each run replaces the rows it writes, and a page never shows a stale one whatever this job did."""
    region = Region.objects.get(code=region_code)
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    return evaluations_refresh(region=region, date=day)
