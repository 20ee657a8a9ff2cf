"""The top menu and the home page, assembled from what each app registers in its AppConfig.ready().

Core stands below every app, so it cannot list their pages itself: an app adds its menu entries and its
section of the home page here, and core shows those the user's role may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jiuzhu.core.capabilities import Capability


@dataclass(frozen=True)
class MenuItem:
    order: int  # left to right
    url_name: str
    label: StrOrPromise
    capability: Capability | None = None  # None: every logged-in user
    # The menu's heading this entry sits under (a dropdown); "" for an entry of its own in the bar. Headings
    # come in the order of their first entry. Use the shared ones below so that apps meet under one heading.
    group: StrOrPromise = ""


# The headings of the top menu, shared by the apps (a county staff member looks for work by its kind).
GROUP_REGISTRY = _("家庭")
GROUP_CASES = _("救助业务")
GROUP_MONEY = _("资金")
GROUP_OVERSIGHT = _("监管")
GROUP_SYSTEM = _("系统")


HomeSection = Callable[[HttpRequest], str]  # the section's HTML, "" when it has nothing for this user

_MENU: dict[str, MenuItem] = {}
_HOME: list[tuple[int, str, HomeSection]] = []


def register_menu(*items: MenuItem) -> None:
    """Adds entries to the top menu; registering the same URL again replaces it (ready() may run twice)."""
    for item in items:
        _MENU[item.url_name] = item


def menu_items() -> list[MenuItem]:
    return sorted(_MENU.values(), key=lambda i: i.order)


def register_home_section(order: int, name: str, section: HomeSection) -> None:
    """Adds a section to the home page, top to bottom by `order`; `name` makes registering idempotent."""
    _HOME[:] = [entry for entry in _HOME if entry[1] != name]
    _HOME.append((order, name, section))
    _HOME.sort(key=lambda entry: entry[0])


def home_sections(request: HttpRequest) -> list[str]:
    return [html for _order, _name, section in _HOME if (html := section(request))]
