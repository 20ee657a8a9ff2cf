"""Background jobs of the registry: the roster import uploaded through the web page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuzhu.core.pii import mask_id
from jiuzhu.core.tabular import RowError, write_error_report
from jiuzhu.registry.importer import household_import
from jiuzhu.registry.models import ImportJob

log = logging.getLogger(__name__)

# Errors kept on the job for the status page; the xlsx report has them all.
ERRORS_SHOWN = 200
# A job still "running" after this long lost its worker: the import is one transaction, so it wrote
# nothing and may be taken over. Shorter would risk two workers importing the same file at once.
STALE_AFTER = dt.timedelta(minutes=30)


def import_media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _claim(job_id: int) -> bool:
    """Take the job, atomically, unless it is finished or another worker is on it."""
    now = timezone.now()
    takeable = Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.FAILED]) | Q(
        status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    claimed = ImportJob.objects.filter(takeable, pk=job_id).update(
        status=ImportJob.Status.RUNNING,
        started_at=now,
        finished_at=None,
        percent=0,
        stage=_("排队中"),
        message="",
        attempts=F("attempts") + 1,
    )
    return claimed == 1


@task()
def household_import_job(job_id: int) -> str:
    """Run one uploaded import and keep its ImportJob up to date. Safe to run again: a finished job is
    left as it is, and a failed or abandoned one starts over (nothing of it was written)."""
    if not _claim(job_id):
        return "skipped"
    job = ImportJob.objects.select_related("user", "user__region").get(pk=job_id)
    last = [-1]

    def progress(stage: str, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent != last[0]:
            last[0] = percent
            ImportJob.objects.filter(pk=job_id).update(percent=percent, stage=stage[:40])

    try:
        data = import_media_path(job.stored_path).read_bytes()
    except OSError:
        _finish(job, ImportJob.Status.FAILED, message=_("上传的文件已不存在，请重新上传"))
        return ImportJob.Status.FAILED
    try:
        result = household_import(
            actor=job.user, data=data, filename=job.filename, source=_("网页上传 %(f)s") % {"f": job.filename},
            progress=progress,
        )  # fmt: skip
    except PermissionDenied as exc:
        _finish(job, ImportJob.Status.FAILED, message=str(exc))
        return ImportJob.Status.FAILED
    except Exception:
        log.exception("import job %s failed", job_id)
        _finish(job, ImportJob.Status.FAILED, message=_("导入时发生内部错误，未写入任何数据；请联系管理员"))
        raise
    job.rows, job.upgraded = result.rows, result.upgraded
    # The uploaded roster has done its work either way (imported, or to be corrected and uploaded again): it
    # does not stay on the server holding thousands of ID numbers.
    import_media_path(job.stored_path).unlink(missing_ok=True)
    if result.errors:
        errors = [_masked(e) for e in result.errors]
        report = Path("imports") / "reports" / f"{job.pk}-errors.xlsx"
        write_error_report(import_media_path(str(report)), errors)
        job.report_path = str(report)
        job.error_count = len(errors)
        job.errors = [asdict(e) for e in errors[:ERRORS_SHOWN]]
        _finish(job, ImportJob.Status.INVALID)
        return ImportJob.Status.INVALID
    job.households, job.persons = result.households, result.persons
    job.error_count, job.errors, job.report_path = 0, [], ""
    _finish(job, ImportJob.Status.DONE)
    return ImportJob.Status.DONE


_ID_LIKE = re.compile(r"\d{14}[\dXx]{1,4}|\d{15}")


def _masked(error: RowError) -> RowError:
    """The error as the job keeps it: an ID number (or a certificate number holding one) masked; the row and
    the column still tell the clerk which cell to correct."""
    value = _ID_LIKE.sub(lambda m: mask_id(m.group(0)), error.value)
    return dataclasses.replace(error, value=value)


def _finish(job: ImportJob, status: ImportJob.Status, *, message: str = "") -> None:
    job.status = status
    job.message = message
    job.percent = 100
    job.stage = ""
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status", "message", "percent", "stage", "finished_at", "rows", "upgraded", "households", "persons",
            "error_count", "errors", "report_path",
        ]
    )  # fmt: skip
