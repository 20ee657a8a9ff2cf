"""The online application (网上申请): a family applies without a staff member, and follows its case with the
query code it received. The household must already stand in the registry (the portal registers it)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.cases import checklists, engine
from jiuzhu.cases.models import Case, CaseDocument, CaseEvent, Channel, LinshiKind
from jiuzhu.cases.querycode import query_code_hash, query_code_new
from jiuzhu.cases.services._common import _due_for, _next_number, _today
from jiuzhu.cases.services.snapshot import household_snapshot
from jiuzhu.cases.workflow import OPEN
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.registry.models import Household, Person

ONLINE_ACTOR = "网上申请"


def _sniff(upload: UploadedFile) -> str | None:
    """The file's extension by its first bytes (JPEG, PNG, PDF), never by its name; None for anything else."""
    head = upload.read(8)
    upload.seek(0)
    return next((ext for ext, magics in checklists.MAGIC.items() if any(head.startswith(m) for m in magics)), None)


def _document_problem(upload: UploadedFile, max_bytes: int) -> str | None:
    if upload.size is None or upload.size > max_bytes:
        return _("文件不能超过 %(mb)s MB") % {"mb": f"{max_bytes / (1024 * 1024):g}"}
    if _sniff(upload) is None:
        return _("只能上传 PDF、JPG 或 PNG 文件")
    return None


@transaction.atomic
def case_submit_online(
    *,
    household: Household,
    applicant: Person,
    program: str,
    reason: str,
    documents: list[tuple[str, UploadedFile]],
    max_bytes: int = checklists.MAX_BYTES,
    linshi_kind: str = "",
    on: dt.date | None = None,
) -> tuple[Case, str]:
    """An application on the `online` channel, with no staff actor: it waits for the township's 受理 like any
    other. Returns the case and its query code, which is shown once and stored only as a hash."""
    on = _today(on)
    errors: dict[str, str] = {}
    if program not in dict(engine.program_choices()):
        errors["program"] = _("未知的救助项目")
    if applicant.household_id != household.pk:
        errors["applicant"] = _("申请人必须是本户成员")
    if program == "linshi" and linshi_kind not in (LinshiKind.EMERGENCY, LinshiKind.EXPENSE):
        errors["linshi_kind"] = _("临时救助须选择急难型或支出型")
    kinds = dict(checklists.checklist(program)) if program in dict(engine.program_choices()) else {}
    for kind, upload in documents:
        problem = _document_problem(upload, max_bytes) if kind in kinds else _("未知的材料类型")
        if problem:
            errors["documents"] = problem
    if errors:
        raise ValidationError(errors)
    # One open application per household and programme; the row lock makes two simultaneous submits one.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if Case.objects.filter(household=household, program=program, status__in=OPEN).exists():
        raise ValidationError({"program": _("该申请人已有同一项目的申请正在办理，请用查询码查看进度")})
    number = _next_number(household.region_code, on.year)
    code = query_code_new()
    case = Case.objects.create(
        number=number,
        household=household,
        region_code=household.region_code,
        program=program,
        channel=Channel.ONLINE,
        applicant=applicant,
        linshi_kind=linshi_kind,
        reason=reason,
        snapshot=household_snapshot(household=household),
        query_code_hash=query_code_hash(number=number, code=code),
        submitted_at=on,
        submitted_by=None,
    )
    case.due_date = _due_for(case, on)
    case.save(update_fields=["due_date"])
    CaseEvent.objects.create(case=case, action="submit", to_status=case.status, actor=None, on=on)
    for kind, upload in documents:
        ext = _sniff(upload) or ".pdf"
        doc = CaseDocument(
            case=case,
            kind=kind,
            original_name=(upload.name or "")[-200:],
            size=upload.size or 0,
            content_type=checklists.ALLOWED_TYPES[ext],
            uploaded_by=None,
        )
        doc.file.save(f"upload{ext}", upload, save=False)
        doc.save()
    audit_record(
        actor=ONLINE_ACTOR,
        action=AuditAction.CREATE,
        object_type="case",
        object_id=case.pk,
        region_code=case.region_code,
        summary=_("户 %(h)s 网上申请 %(p)s，编号 %(n)s")
        % {"h": household.number, "p": engine.program_name(program), "n": case.number},
        after={"program": program, "channel": Channel.ONLINE, "documents": len(documents)},
    )
    return case, code
