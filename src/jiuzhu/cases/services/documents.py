"""Documents and notes on an application."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases import checklists
from jiuzhu.cases.models import Case, CaseDocument, CaseNote
from jiuzhu.cases.services._common import _refuse
from jiuzhu.cases.workflow import step_refusal
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope


@transaction.atomic
def case_document_add(*, actor: User, case: Case, kind: str, upload: UploadedFile) -> CaseDocument:
    require_scope(actor, case.region_code)
    _refuse(step_refusal(actor, case, "upload_document"))
    if kind not in dict(checklists.checklist(case.program)):
        raise ValidationError({"kind": _("未知的材料类型")})
    name = upload.name or ""
    ext = PurePath(name).suffix.lower()
    if ext not in checklists.ALLOWED_TYPES:
        raise ValidationError({"file": _("只能上传 PDF、JPG 或 PNG 文件")})
    if upload.size is None or upload.size > checklists.MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 10 MB")})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in checklists.MAGIC[ext]):
        raise ValidationError({"file": _("文件内容与扩展名不符")})
    doc = CaseDocument(
        case=case,
        kind=kind,
        original_name=PurePath(name).name[:200],
        size=upload.size,
        content_type=checklists.ALLOWED_TYPES[ext],
        uploaded_by=actor,
    )
    doc.file.save(name, upload, save=False)
    doc.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case_document",
        object_id=doc.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 上传材料 %(f)s") % {"n": case.number, "f": doc.original_name},
    )
    return doc


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    require_scope(actor, case.region_code)
    _refuse(step_refusal(actor, case, "add_note"))
    if not text.strip():
        raise ValidationError({"text": _("备注不能为空")})
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case_note",
        object_id=note.pk,
        region_code=case.region_code,
        summary=_("申请 %(n)s 添加备注") % {"n": case.number},
    )
    return note
