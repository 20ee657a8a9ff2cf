from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jiuzhu.core.navigation import menu_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees: what the apps registered (core.navigation), only what the role may open."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    nav = []
    path = request.path
    for item in menu_items():
        if item.capability is not None and not user.has_capability(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app whose pages are not installed
            continue
        active = path == url or (url != "/" and path.startswith(url))
        nav.append({"url": url, "label": item.label, "active": active})
    return {"nav": nav}
