"""The charity section of the home page: proposals waiting for this approver, approved ones waiting to be paid."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from jiuzhu.accounts.models import Capability
from jiuzhu.charity.models import DisbursementStatus
from jiuzhu.charity.selectors import disbursements_visible


def home_section(request: HttpRequest) -> str:
    user = request.user
    approves = user.has_capability(Capability.APPROVE_CHARITY)  # type: ignore[union-attr]
    manages = user.has_capability(Capability.MANAGE_CHARITY)  # type: ignore[union-attr]
    if not (approves or manages):
        return ""
    visible = disbursements_visible(user=user)  # type: ignore[arg-type]
    pending = visible.filter(status=DisbursementStatus.PROPOSED)
    context = {
        "to_decide": pending.exclude(proposed_by_id=user.pk).count() if approves else 0,
        "pending": pending.count(),
        "to_pay": visible.filter(status=DisbursementStatus.APPROVED).count() if manages else 0,
        "approves": approves,
        "manages": manages,
    }
    return render_to_string("charity/_home.html", context, request=request)
