"""Higher apps add to the case page and react to the economic check without the cases app importing them
(as registry/panels.py and registry/hooks.py do for the household): matching shows what the external registers
say about the household, and keeps it as the check's evidence when the result is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from jiuzhu.accounts.models import User
    from jiuzhu.cases.models import Case, EconomicCheck

CasePanel = Callable[[HttpRequest, "Case"], str]
CheckCallback = Callable[..., object]  # (*, case, check, actor)
_PANELS: list[tuple[int, CasePanel]] = []
_ON_CHECK: list[CheckCallback] = []


def register_case_panel(order: int, renderer: CasePanel) -> None:
    if all(r is not renderer for _o, r in _PANELS):
        _PANELS.append((order, renderer))
        _PANELS.sort(key=lambda p: p[0])


def render_case_panels(request: HttpRequest, case: Case) -> list[str]:
    return [html for _order, renderer in _PANELS if (html := renderer(request, case))]


def on_check_recorded(callback: CheckCallback) -> CheckCallback:
    """Register a reaction to an economic check's result being recorded (inside its transaction)."""
    if callback not in _ON_CHECK:
        _ON_CHECK.append(callback)
    return callback


def check_recorded(*, case: Case, check: EconomicCheck, actor: User) -> None:
    for callback in _ON_CHECK:
        callback(case=case, check=check, actor=actor)
