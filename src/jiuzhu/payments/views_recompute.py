"""The 提标 apply button of the 提标影响测算 page (policy links here by the URL name payments:recompute): checks
the request, then queues the recompute for the user's region as a background job whose page shows its
progress and, once done, what it raised and what waits for a person to decide."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.core.http import AuthedRequest
from jiuzhu.payments.models import PayrollJob, first_of_month
from jiuzhu.payments.services.recompute import RecomputeResult, recompute_check
from jiuzhu.payments.tasks import recompute_job
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.programs import program_name
from jiuzhu.policy.selectors import ancestor_codes


@login_required
@require_POST
def recompute(request: AuthedRequest) -> HttpResponse:
    user = request.user
    region = user.region
    if region is None:
        raise PermissionDenied
    try:
        day = dt.date.fromisoformat(request.POST.get("effective_from", ""))
    except ValueError:
        return render(request, "payments/recompute.html", {"result": None, "error": "effective_from"}, status=400)
    # The saved change of that date: its first key names it (the recompute covers every key of the date).
    key = (
        Parameter.objects.filter(effective_from=day, region__code__in=ancestor_codes(region.code))
        .order_by("key")
        .values_list("key", flat=True)
        .first()
    ) or ""
    try:
        recompute_check(actor=user, key=key, region=region, effective_from=day)
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        return render(request, "payments/recompute.html", {"result": None, "error": "；".join(messages)}, status=400)
    job = PayrollJob.objects.create(
        kind=PayrollJob.Kind.RECOMPUTE,
        user=user,
        region=region,
        region_code=region.code,
        month=first_of_month(day),
        key=key,
        effective_from=day,
    )
    # `jiuzhu db_worker` runs it; the job page follows its progress. Running it twice raises nothing twice.
    recompute_job.enqueue(job.pk)
    return redirect("payments:job", pk=job.pk)


def recompute_result_page(request: AuthedRequest, job: PayrollJob) -> HttpResponse:
    """What a finished 提标 apply did, as the job keeps it."""
    result = RecomputeResult.from_json(job.result)
    rows = [(r, program_name(r.program)) for r in result.for_decision]
    context = {"result": result, "rows": rows, "error": "", "region": job.region}
    return render(request, "payments/recompute.html", context)
