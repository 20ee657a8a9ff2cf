from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

from jiuzhu.core.navigation import menu_items

# Each menu entry's URL, reversed once per script prefix (the same on every request of a deployment): the menu
# is on every page, and reversing its twenty entries cost more than some pages' queries.
_URLS: dict[tuple[str, str], str | None] = {}


def _url(name: str) -> str | None:
    key = (get_script_prefix(), name)
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:  # an app whose pages are not installed
            _URLS[key] = None
    return _URLS[key]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees: what the apps registered (core.navigation), only what the role may open, entries
    gathered under their headings; a heading with a single entry for this user is that entry itself."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    nav: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    path = request.path
    for item in menu_items():
        if item.capability is not None and not user.has_capability(item.capability):
            continue
        url = _url(item.url_name)
        if url is None:
            continue
        active = path == url or (url != "/" and path.startswith(url))
        link = {"url": url, "label": item.label, "active": active}
        if not item.group:
            nav.append(link)
            continue
        key = str(item.group)
        if key not in groups:
            groups[key] = {"label": item.group, "entries": [], "active": False}
            nav.append(groups[key])
        groups[key]["entries"].append(link)
        groups[key]["active"] = groups[key]["active"] or active
    return {"nav": [entry["entries"][0] if len(entry.get("entries", ())) == 1 else entry for entry in nav]}
