from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiuzhu.core.capabilities import Capability
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.tabular import TableError
from jiuzhu.regions.selectors import regions_visible
from jiuzhu.regions.services import region_import


@login_required
def region_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.has_capability(Capability.MANAGE_REGIONS):
        raise PermissionDenied
    errors = None
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None:
        try:
            result = region_import(actor=user, data=upload.read(), filename=upload.name or "")
        except TableError as exc:
            messages.error(request, str(exc))
        else:
            if result.ok:
                messages.success(
                    request,
                    _("导入完成：新增 %(c)d，更新 %(u)d") % {"c": result.created, "u": result.updated},
                )
                return redirect("regions:list")
            errors = result.errors
            messages.error(request, _("文件有 %(n)d 处错误，未导入任何数据") % {"n": len(errors or [])})
    regions = regions_visible(user=user).select_related("parent")
    return render(request, "regions/list.html", {"regions": regions, "errors": errors})
