"""Other apps contribute sections to the household page by registering a renderer here, so the registry
does not import them: the policy app adds eligibility, later apps cases and payments."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from jiuzhu.registry.models import Household

PanelRenderer = Callable[[HttpRequest, Household], str]
_PANELS: list[tuple[int, PanelRenderer]] = []


def register_panel(order: int, renderer: PanelRenderer) -> None:
    _PANELS.append((order, renderer))
    _PANELS.sort(key=lambda p: p[0])


def render_panels(request: HttpRequest, household: Household) -> list[str]:
    return [html for _order, renderer in _PANELS if (html := renderer(request, household))]
