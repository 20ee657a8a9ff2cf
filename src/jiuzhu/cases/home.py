"""The cases app's section of the home page: what waits for this user today, the late first."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.selectors import review_proposals, reviews_due, todo_for
from jiuzhu.payments.models import next_month


def home_section(request: HttpRequest) -> str:
    user = request.user
    today = timezone.localdate()
    items = todo_for(user=user, on=today)  # type: ignore[arg-type]
    # Reviews due by the end of this month, and of those the ones already past their date.
    reviews = reviews_due(user=user, until=next_month(today) - dt.timedelta(days=1))  # type: ignore[arg-type]
    may_decide = user.has_capability(Capability.CONFIRM_CASE)  # type: ignore[union-attr]
    # Both counts of reviews in one query.
    counted = reviews.order_by().aggregate(all=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
    context = {
        "todo": len(items),
        "overdue": sum(1 for item in items if item.overdue),
        "reviews": counted["all"],
        "reviews_late": counted["late"],
        # The townships' proposals waiting for this county approver; None for whoever does not decide them.
        "proposals": review_proposals(user=user).count() if may_decide else None,  # type: ignore[arg-type]
    }
    return render_to_string("cases/_home.html", context, request=request)
