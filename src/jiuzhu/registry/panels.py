"""Other apps contribute sections to the household page by registering a renderer here, so the registry
does not import them: the policy app adds eligibility, later apps cases and payments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import render_to_string

from jiuzhu.registry.models import Household

PanelRenderer = Callable[[HttpRequest, Household], str]
_PANELS: list[tuple[int, PanelRenderer]] = []


def register_panel(order: int, renderer: PanelRenderer) -> None:
    _PANELS.append((order, renderer))
    _PANELS.sort(key=lambda p: p[0])


def render_panels(request: HttpRequest, household: Household) -> list[str]:
    return [html for _order, renderer in _PANELS if (html := renderer(request, household))]


def render_panel(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    """A panel's template rendered with its own context plus the request, the user and a (lazy) CSRF token,
    without the site's context processors: those build the menu and the page's frame, which a panel does not
    show, and ran once per panel (five times a page) when panels were rendered with the request."""
    return render_to_string(template, {**context, **csrf(request), "request": request, "user": request.user})
