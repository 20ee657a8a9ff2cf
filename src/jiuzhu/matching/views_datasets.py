"""Uploading an external list in two steps (the file, then its columns mapped: guessed, or as the source's
last file), the list of data sets and their bad-row reports. County staff who run matching only."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability
from jiuzhu.core.forms import form_add_errors
from jiuzhu.core.http import AuthedRequest
from jiuzhu.matching import forms, selectors
from jiuzhu.matching.kinds import Kind
from jiuzhu.matching.services.datasets import data_root, dataset_import, proposed_mapping, read_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION = "matching_upload"


def _require(request: AuthedRequest) -> None:
    if not request.user.has_capability(Capability.RUN_MATCHING):
        raise PermissionDenied


def _pending_path(digest: str) -> Path:
    return data_root() / "uploads" / digest


@login_required
def dataset_list(request: AuthedRequest) -> HttpResponse:
    _require(request)
    page = Paginator(selectors.datasets_visible(user=request.user), 25).get_page(request.GET.get("page"))
    form = forms.UploadForm(initial={"received_on": timezone.localdate()})
    return render(request, "matching/dataset_list.html", {"page": page, "form": form})


@login_required
def dataset_upload(request: AuthedRequest) -> HttpResponse:
    """Step 1: the file is read (refused at once if unreadable) and kept until its columns are confirmed."""
    _require(request)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        try:
            frame, _encoding = read_upload(data, upload.name)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            digest = hashlib.sha256(data).hexdigest()
            path = _pending_path(digest)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            request.session[_SESSION] = {
                "digest": digest,
                "filename": Path(upload.name).name,
                "kind": form.cleaned_data["kind"],
                "source": form.cleaned_data["source"].strip(),
                "received_on": form.cleaned_data["received_on"].isoformat(),
                "headers": frame.columns,
                "preview": frame.head(5).rows(),
            }
            return redirect("matching:dataset_map")
    page = Paginator(selectors.datasets_visible(user=request.user), 25).get_page(1)
    return render(request, "matching/dataset_list.html", {"page": page, "form": form}, status=422)


@login_required
def dataset_map(request: AuthedRequest) -> HttpResponse:
    """Step 2: the columns, proposed from the source's saved mapping or the headers; confirming imports."""
    _require(request)
    pending = request.session.get(_SESSION)
    if not pending or not _pending_path(pending["digest"]).exists():
        messages.error(request, _("请先上传文件"))
        return redirect("matching:datasets")
    kind, headers = pending["kind"], pending["headers"]
    initial = proposed_mapping(kind=kind, source=pending["source"], headers=headers)
    form = forms.MappingForm(request.POST or None, kind=kind, headers=headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        import datetime as dt

        path = _pending_path(pending["digest"])
        try:
            ds = dataset_import(actor=request.user, kind=kind, source=pending["source"], data=path.read_bytes(),
                                filename=pending["filename"], mapping=form.mapping(),
                                received_on=dt.date.fromisoformat(pending["received_on"]))  # fmt: skip
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            path.unlink(missing_ok=True)
            del request.session[_SESSION]
            messages.success(request, _("已导入 %(n)d 行") % {"n": ds.row_count})
            if ds.bad_rows:
                messages.warning(request, _("%(n)d 行有错误未导入，请下载错误报告核对") % {"n": ds.bad_rows})
            return redirect("matching:datasets")
    context = {"form": form, "pending": pending, "kind_label": Kind(kind).label}
    return render(request, "matching/dataset_map.html", context, status=422 if form.is_bound else 200)


@login_required
def dataset_errors(request: AuthedRequest, pk: int) -> FileResponse:
    _require(request)
    ds = get_object_or_404(selectors.datasets_visible(user=request.user), pk=pk)
    path = data_root() / ds.report_path if ds.report_path else None
    if path is None or not path.is_file():
        raise Http404
    name = _("%(f)s-错误报告.xlsx") % {"f": Path(ds.filename).stem}
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
