"""Background jobs of the payments app (`jiuzhu db_worker` runs them): generating a payroll and the 提标
apply, both started from the web page, both storing their progress on their PayrollJob as they run.

Each run writes in one transaction, so a worker killed halfway leaves nothing and the job can simply run
again; the unique (month, region, programme) of a payroll, and the recompute's own idempotency, make a
second run, or a second worker, add nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuzhu.payments.models import PayrollJob
from jiuzhu.payments.progress import job_progress, job_progress_clear
from jiuzhu.payments.services.payroll import payroll_generate
from jiuzhu.payments.services.recompute import entitlements_recompute

log = logging.getLogger(__name__)


def _run(job_id: int, work: Callable[[PayrollJob], dict[str, Any]]) -> str:
    job = PayrollJob.objects.select_related("user", "user__region", "region").get(pk=job_id)
    if job.status == PayrollJob.Status.DONE:
        return job.status
    PayrollJob.objects.filter(pk=job_id).update(
        status=PayrollJob.Status.RUNNING, started_at=timezone.now(), percent=0, stage=""
    )
    try:
        outcome = work(job)
    except (PermissionDenied, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _finish(job_id, PayrollJob.Status.FAILED, message=message)
        return PayrollJob.Status.FAILED
    except Exception:
        log.exception("payments job %s failed", job_id)
        _finish(job_id, PayrollJob.Status.FAILED, message=_("执行时发生内部错误，未写入任何数据；请联系管理员"))
        raise
    _finish(job_id, PayrollJob.Status.DONE, **outcome)
    return PayrollJob.Status.DONE


@task()
def payroll_generate_job(job_id: int) -> str:
    """Generates (or finds) the job's payroll and records the outcome on the job."""

    def work(job: PayrollJob) -> dict[str, Any]:
        payroll = payroll_generate(
            actor=job.user, month=job.month, region=job.region, program=job.program, progress=job_progress(job_id)
        )
        return {"payroll_id": payroll.pk}

    return _run(job_id, work)


@task()
def recompute_job(job_id: int) -> str:
    """Applies the job's saved change (提标) and keeps what it did on the job for its page."""

    def work(job: PayrollJob) -> dict[str, Any]:
        assert job.effective_from is not None
        result = entitlements_recompute(
            actor=job.user, key=job.key, region=job.region, effective_from=job.effective_from,
            progress=job_progress(job_id),
        )  # fmt: skip
        return {"result": result.as_json()}

    return _run(job_id, work)


def _finish(job_id: int, status: PayrollJob.Status, *, message: str = "", **outcome: Any) -> None:
    done = {"percent": 100, "stage": ""} if status == PayrollJob.Status.DONE else {}
    PayrollJob.objects.filter(pk=job_id).update(
        status=status, message=message[:300], finished_at=timezone.now(), **done, **outcome
    )
    job_progress_clear(job_id)
