"""Bulk import (upload, live progress, error report, template) and roster export. Thin: the work is in
registry.importer and registry.tasks."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.scope import scope_q
from jiuzhu.registry.importer import import_template_xlsx, roster_export
from jiuzhu.registry.models import ImportJob
from jiuzhu.registry.tasks import household_import_job, import_media_path

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # some 400 000 rows of CSV: a whole county at once
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("花名册文件"), help_text=gettext_lazy("xlsx，或 UTF-8、GBK 编码的 CSV"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            if upload.name.lower().endswith(".xls"):
                raise forms.ValidationError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx"))
            raise forms.ValidationError(_("请上传 xlsx 或 CSV 文件"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 50 MB，请分村（社区）拆分后上传"))
        return upload


def _require(user: User, capability: Capability) -> None:
    if not user.has_capability(capability):
        raise PermissionDenied


def jobs_visible(*, user: User) -> QuerySet[ImportJob]:
    """Jobs uploaded within the user's region, to users who may import; others' jobs elsewhere do not exist."""
    if not user.has_capability(Capability.IMPORT_REGISTRY):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(scope_q(user, "region_code"))


def _job_get(user: User, pk: int) -> ImportJob:
    return get_object_or_404(jobs_visible(user=user), pk=pk)


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.IMPORT_REGISTRY)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Our own name on disk: the clerk's file name is kept only as a label.
        suffix = Path(upload.name).suffix.lower()
        relative = Path("imports") / f"{timezone.now():%Y%m}" / f"{uuid.uuid4().hex}{suffix}"
        target = import_media_path(str(relative))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        job = ImportJob.objects.create(
            user=user,
            region_code=user.region.code if user.region else "",
            filename=Path(upload.name).name[:255],
            stored_path=str(relative),
        )
        household_import_job.enqueue(job.pk)
        return redirect("registry:import_status", pk=job.pk)
    jobs = jobs_visible(user=user).select_related("user")[:10]
    return render(request, "registry/import_upload.html", {"form": form, "jobs": jobs})


@login_required
def import_status(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job_get(request.user, pk)
    template = "registry/_import_progress.html" if request.headers.get("HX-Request") else "registry/import_status.html"
    return render(request, template, {"job": job})


@login_required
def import_errors(request: AuthedRequest, pk: int) -> FileResponse:
    job = _job_get(request.user, pk)
    if not job.report_path:
        raise Http404
    path = import_media_path(job.report_path)
    if not path.is_file():
        raise Http404
    name = _("%(f)s-错误报告.xlsx") % {"f": Path(job.filename).stem}
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_template(_request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(import_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _("家庭成员导入模板.xlsx")) or ""
    return response


@login_required
def export(request: AuthedRequest) -> FileResponse:
    """?format=xlsx|csv, ?region=<code prefix>, ?full=1 for unmasked ID numbers (with the permission)."""
    user = request.user
    _require(user, Capability.EXPORT_REGISTRY)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    region = request.GET.get("region", "").strip()
    if not region.isdigit() or len(region) > 12:
        region = ""
    full = request.GET.get("full") == "1"
    if full and not user.can_reveal_pii:
        raise PermissionDenied
    handle, name = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        result = roster_export(user=user, path=path, fmt=fmt, region=region, full=full)
        stream = path.open("rb")
    finally:
        # The open handle keeps the data readable while the response streams; the name goes now.
        path.unlink(missing_ok=True)
    label = region or user.scope_prefix or ""
    filename = _("家庭成员名册-%(r)s-%(d)s.%(x)s") % {"r": label, "d": f"{timezone.localdate():%Y%m%d}", "x": fmt}
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Export-Rows"] = str(result.persons)
    return response
