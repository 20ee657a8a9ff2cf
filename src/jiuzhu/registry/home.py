"""The registry's section of the home page: the search bar and the counts of the user's region."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from jiuzhu.registry.selectors import household_counts_by_child_region, registry_counts


def home_section(request: HttpRequest) -> str:
    user = request.user
    context = {
        "counts": registry_counts(user=user),  # type: ignore[arg-type]
        "by_region": household_counts_by_child_region(user=user),  # type: ignore[arg-type]
    }
    return render_to_string("registry/_home.html", context, request=request)
