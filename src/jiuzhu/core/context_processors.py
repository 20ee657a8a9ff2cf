from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import Capability


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees: only what the role may open."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    items: list[tuple[str, Any, Capability | None]] = [
        ("core:home", _("工作台"), None),
        ("registry:search", _("查找人员"), None),
        ("registry:household_list", _("家庭名册"), None),
        ("registry:import", _("批量导入"), Capability.IMPORT_REGISTRY),
        ("cases:todo", _("待办"), None),
        ("cases:list", _("救助申请"), None),
        ("cases:notices", _("公示"), None),
        ("cases:reviews", _("动态管理"), None),
        ("cases:timeliness", _("办理时效"), None),
        ("policy:parameters", _("标准与参数"), None),
        ("cases:holidays", _("节假日"), Capability.MANAGE_PARAMETERS),
        ("regions:list", _("行政区划"), Capability.MANAGE_REGIONS),
        ("accounts:users", _("用户管理"), Capability.MANAGE_USERS),
        ("core:audit", _("审计日志"), Capability.VIEW_AUDIT),
    ]
    nav = []
    path = request.path
    for name, label, cap in items:
        if cap is not None and not user.has_capability(cap):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app whose pages are not installed
            continue
        active = path == url or (url != "/" and path.startswith(url))
        nav.append({"url": url, "label": label, "active": active})
    return {"nav": nav}
