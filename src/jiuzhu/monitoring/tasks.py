"""Background jobs of the monitoring app: the scan started from the web page (`jiuzhu db_worker` runs it).

The scan writes in one transaction, so a worker killed halfway leaves nothing; running it again finds the
same candidates and writes each once (the scan is idempotent)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuzhu.monitoring.models import ScanJob
from jiuzhu.monitoring.services import monitoring_scan
from jiuzhu.regions.models import Region

log = logging.getLogger(__name__)


@task()
def monitoring_scan_job(job_id: int) -> str:
    job = ScanJob.objects.select_related("user", "user__region").get(pk=job_id)
    if job.finished:
        return job.status
    ScanJob.objects.filter(pk=job_id).update(status=ScanJob.JobStatus.RUNNING, percent=0)
    last = [-1]

    def progress(stage: str, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent != last[0]:
            last[0] = percent
            ScanJob.objects.filter(pk=job_id).update(percent=percent, stage=stage[:40])

    try:
        region = Region.objects.get(code=job.region_code)
        result = monitoring_scan(actor=job.user, region=region, on=job.on, progress=progress)
    except PermissionDenied as exc:
        _finish(job_id, ScanJob.JobStatus.FAILED, message=str(exc))
        return ScanJob.JobStatus.FAILED
    except Exception:
        log.exception("monitoring scan job %s failed", job_id)
        _finish(job_id, ScanJob.JobStatus.FAILED, message=_("筛查时发生内部错误，未写入任何数据；请联系管理员"))
        raise
    ScanJob.objects.filter(pk=job_id).update(
        households=result.households, enrolled=result.enrolled, changed=result.changed, assessed=result.assessed
    )
    _finish(job_id, ScanJob.JobStatus.DONE)
    return ScanJob.JobStatus.DONE


def _finish(job_id: int, status: ScanJob.JobStatus, *, message: str = "") -> None:
    ScanJob.objects.filter(pk=job_id).update(
        status=status, message=message[:300], percent=100, stage="", finished_at=timezone.now()
    )
