"""Panels other apps add to the dashboard (monitoring's warnings, matching's findings), registered in their
AppConfig.ready so that reports never imports them: each provider returns a panel for the user's region
and month, or None when it has nothing to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString
from django_stubs_ext import StrOrPromise

from jiuzhu.regions.models import Region


@dataclass(frozen=True)
class Panel:
    title: StrOrPromise
    html: SafeString  # rendered by the providing app (its own template), escaped there
    figures: dict[str, int] = field(default_factory=dict)  # for the home page and the PDF


# The reader is a jiuzhu User in the web pages, a RegionScope (selectors.py) in the command line's PDF.
PanelProvider = Callable[[Any, Region, dt.date], Panel | None]

_PANELS: list[tuple[int, str, PanelProvider]] = []


def register_dashboard_panel(order: int, name: str, provider: PanelProvider) -> None:
    """Adds a panel below the statistics, top to bottom by `order`; `name` makes registering idempotent."""
    _PANELS[:] = [entry for entry in _PANELS if entry[1] != name]
    _PANELS.append((order, name, provider))
    _PANELS.sort(key=lambda entry: entry[0])


def dashboard_panels(user: Any, region: Region, month: dt.date) -> list[Panel]:
    return [panel for _order, _name, provider in _PANELS if (panel := provider(user, region, month))]
