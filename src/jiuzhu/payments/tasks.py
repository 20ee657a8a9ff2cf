"""Background jobs of the payments app: generating a payroll from the web page (`jiuzhu db_worker` runs it).

The payroll is written in one transaction, so a worker killed halfway leaves nothing and the job can simply
run again; the unique (month, region, programme) makes a second run, or a second worker, add nothing."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuzhu.payments.models import PayrollJob
from jiuzhu.payments.services.payroll import payroll_generate

log = logging.getLogger(__name__)


@task()
def payroll_generate_job(job_id: int) -> str:
    """Generates (or finds) the job's payroll and records the outcome on the job."""
    job = PayrollJob.objects.select_related("user", "user__region", "region").get(pk=job_id)
    if job.status == PayrollJob.Status.DONE:
        return job.status
    PayrollJob.objects.filter(pk=job_id).update(status=PayrollJob.Status.RUNNING, started_at=timezone.now())
    try:
        payroll = payroll_generate(actor=job.user, month=job.month, region=job.region, program=job.program)
    except (PermissionDenied, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _finish(job_id, PayrollJob.Status.FAILED, message=message)
        return PayrollJob.Status.FAILED
    except Exception:
        log.exception("payroll job %s failed", job_id)
        _finish(job_id, PayrollJob.Status.FAILED, message=_("生成时发生内部错误，未写入任何数据；请联系管理员"))
        raise
    _finish(job_id, PayrollJob.Status.DONE, payroll_id=payroll.pk)
    return PayrollJob.Status.DONE


def _finish(job_id: int, status: PayrollJob.Status, *, message: str = "", payroll_id: int | None = None) -> None:
    PayrollJob.objects.filter(pk=job_id).update(
        status=status, message=message[:300], payroll_id=payroll_id, finished_at=timezone.now()
    )
