from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jiuzhu.core.navigation import menu_items


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
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app whose pages are not installed
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
