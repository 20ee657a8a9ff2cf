"""Bank files on the web: export an approved payroll's file in a chosen layout, download it again, upload
the bank's return. Thin: the work is in payments.bankfiles."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiuzhu.core.http import AuthedRequest
from jiuzhu.payments.bankfiles import selectors
from jiuzhu.payments.bankfiles.export import bank_file_export, bank_file_render
from jiuzhu.payments.bankfiles.layouts import BankFileError, layouts_all
from jiuzhu.payments.bankfiles.returns import bank_return_import
from jiuzhu.payments.models import BankFile, Payroll, PayrollStatus

MAX_RETURN_BYTES = 100 * 1024 * 1024
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "fixed": "text/plain",
}


def _layout_choices() -> list[tuple[str, str]]:
    return [(layout.name, layout.title) for layout in layouts_all()]


class ExportForm(forms.Form):
    layout = forms.ChoiceField(label=gettext_lazy("银行文件格式"), choices=_layout_choices)


class ReturnForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("回盘文件"), help_text=gettext_lazy("银行返回的 TXT、CSV 或 xlsx 文件"))
    layout = forms.ChoiceField(
        label=gettext_lazy("银行文件格式"),
        required=False,
        choices=lambda: [("", _("自动识别")), *_layout_choices()],
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RETURN_BYTES:
            raise forms.ValidationError(_("文件超过 100 MB"))
        return upload


def _attachment(data: bytes, filename: str, layout: str) -> HttpResponse:
    fmt = next((x.format for x in layouts_all() if x.name == layout), "fixed")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _page(request: AuthedRequest, payroll: Payroll, export_form: ExportForm, return_form: ReturnForm) -> HttpResponse:
    titles = dict(_layout_choices())  # the layout's Chinese title, not its code
    return render(
        request,
        "payments/bank_files.html",
        {
            "payroll": payroll,
            "can_export": payroll.status == PayrollStatus.APPROVED,
            "can_return": payroll.status == PayrollStatus.EXPORTED,
            "export_form": export_form,
            "return_form": return_form,
            "bank_files": [(f, titles.get(f.layout, f.layout)) for f in selectors.bank_files_of(payroll=payroll)],
            "bank_returns": selectors.bank_returns_of(payroll=payroll),
        },
        status=422 if export_form.errors or return_form.errors else 200,
    )


@login_required
def bank_files(request: AuthedRequest, pk: int) -> HttpResponse:
    payroll = selectors.payroll_for_bank_get(user=request.user, pk=pk)
    return _page(request, payroll, ExportForm(), ReturnForm())


@login_required
@require_POST
def bank_export(request: AuthedRequest, pk: int) -> HttpResponse:
    payroll = selectors.payroll_for_bank_get(user=request.user, pk=pk)
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            bank_file, data = bank_file_export(actor=request.user, payroll=payroll, layout=form.cleaned_data["layout"])
        except BankFileError as exc:
            form.add_error(None, exc.message)
        else:
            return _attachment(data, bank_file.filename, bank_file.layout)
    return _page(request, payroll, form, ReturnForm())


@login_required
def bank_file_download(request: AuthedRequest, pk: int) -> HttpResponse:
    bank_file: BankFile = selectors.bank_file_get(user=request.user, pk=pk)
    try:
        data = bank_file_render(actor=request.user, bank_file=bank_file)
    except BankFileError as exc:
        messages.error(request, exc.message)
        return redirect("payments:bank_files", pk=bank_file.payroll_id)
    return _attachment(data, bank_file.filename, bank_file.layout)


@login_required
@require_POST
def bank_return_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    payroll = selectors.payroll_for_bank_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank_return_import(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                layout=form.cleaned_data["layout"] or None,
                payroll=payroll,
            )
        except BankFileError as exc:
            form.add_error("file", exc.message)
        else:
            if not result.created:
                messages.info(request, _("该回盘文件已导入过，未作任何改动"))
            else:
                messages.success(
                    request, _("回盘已导入：成功%(p)s笔，失败%(f)s笔") % {"p": result.paid, "f": result.failed}
                )
            return redirect("payments:bank_files", pk=payroll.pk)
    return _page(request, payroll, ExportForm(), form)
