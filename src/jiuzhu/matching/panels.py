"""What matching adds to other apps' pages and to the home page: the household's findings (registry panel),
the registers' matches on a case page and the evidence kept when its economic check is recorded (cases
extensions), and the township's to-do counts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.models import Case, EconomicCheck
from jiuzhu.matching import selectors
from jiuzhu.matching.models import CheckEvidence
from jiuzhu.registry.models import Household
from jiuzhu.registry.panels import render_panel


def household_panel(request: HttpRequest, household: Household) -> str:
    user: Any = request.user
    if not user.has_capability(Capability.VIEW_FINDINGS):
        return ""
    findings = selectors.findings_of_household(user=user, household=household)
    if not findings:
        return ""
    return render_panel(request, "matching/_household_panel.html", {"findings": findings})


def case_panel(request: HttpRequest, case: Case) -> str:
    """The registers' matches for the household: as recorded with the check, else as the latest lists say."""
    check = case.checks.order_by("-id").first()
    recorded = CheckEvidence.objects.filter(economic_check=check).first() if check is not None else None
    if recorded is not None:
        matches, datasets = recorded.matches, recorded.datasets
    else:
        matches, datasets = selectors.household_matches(household=case.household)
    if not datasets:
        return ""
    context = {"matches": matches, "datasets": datasets, "recorded": recorded}
    return render_to_string("matching/_case_panel.html", context, request=request)


def keep_check_evidence(*, case: Case, check: EconomicCheck, actor: Any) -> CheckEvidence:
    """Registered with cases.extensions.on_check_recorded: the matches become the check's evidence."""
    del actor
    matches, datasets = selectors.household_matches(household=case.household)
    evidence, _created = CheckEvidence.objects.update_or_create(
        economic_check=check,
        defaults={"matches": matches, "datasets": datasets, "region_code": case.household.region_code},
    )
    return evidence


def home_section(request: HttpRequest) -> str:
    counts = selectors.findings_todo(user=request.user, today=timezone.localdate())  # type: ignore[arg-type]
    if not counts:
        return ""
    return render_to_string("matching/_home.html", counts, request=request)
