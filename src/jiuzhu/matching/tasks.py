"""Background jobs of the matching app: a run started from the web page (`jiuzhu db_worker` runs it), its
percentage on the Run row for the progress page. A run adds findings rule by rule, each in its own
transaction, and skips what is already there: a run killed halfway can simply run again."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiuzhu.matching.models import Run
from jiuzhu.matching.services.runs import run_execute

log = logging.getLogger(__name__)


@task()
def matching_run_job(run_id: int) -> str:
    run = Run.objects.select_related("user", "user__region").get(pk=run_id)
    if run.status == Run.Status.DONE or run.user is None:
        return run.status
    try:
        run_execute(actor=run.user, run=run)
    except (PermissionDenied, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        Run.objects.filter(pk=run_id).update(
            status=Run.Status.FAILED, message=message[:300], finished_at=timezone.now()
        )
        return Run.Status.FAILED
    except Exception:
        log.exception("matching run %s failed", run_id)
        Run.objects.filter(pk=run_id).update(
            status=Run.Status.FAILED, message=_("比对时发生内部错误；请联系管理员"), finished_at=timezone.now()
        )
        raise
    return Run.Status.DONE
