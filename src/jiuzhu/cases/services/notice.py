"""The public notice (公示): publishing it by village, objections and their resolution."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases import deadlines, engine
from jiuzhu.cases.models import Case, Notice, NoticeEntry, Objection, ObjectionResolution, Status
from jiuzhu.cases.selectors import notice_start_bounds, snapshot_covered_size
from jiuzhu.cases.services._common import _begin, _move, _today
from jiuzhu.core.counters import counter_next
from jiuzhu.core.pii import mask_name
from jiuzhu.regions.models import Region


def _notice_number(village_code: str, start: dt.date) -> str:
    """公示编号: GS, the village's code, the year and a serial, from the village's locked counter."""
    prefix = f"GS{village_code}{start:%y}"

    def highest() -> int:
        last = Notice.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
        return int(last[len(prefix) :]) if last and last[len(prefix) :].isdigit() else 0

    return f"{prefix}{counter_next(kind='notice', key=prefix, floor=highest):03d}"


@transaction.atomic
def notice_publish(
    *, actor: User, cases: list[Case], start_date: dt.date | None = None, on: dt.date | None = None
) -> list[Notice]:
    """One notice per village from a batch of township opinions; each case moves to 公示中."""
    on = _today(on)
    start = start_date or on
    lo, hi = notice_start_bounds(on)
    if not lo <= start <= hi:
        raise ValidationError({"start_date": _("公示开始日期应在今天前 30 天至后 7 天之间")})
    if not cases:
        raise ValidationError(_("请选择要公示的申请"))
    locked = [_begin(actor, c, "publish_notice") for c in sorted(cases, key=lambda c: c.pk)]
    for c in locked:
        if c.opinion_at and start < c.opinion_at:
            raise ValidationError({"start_date": _("公示开始日期不能早于乡镇审核日期")})
    by_village: dict[str, list[Case]] = {}
    for c in locked:
        by_village.setdefault(c.region_code, []).append(c)
    notices = []
    for code, group in sorted(by_village.items()):
        end = start + dt.timedelta(days=deadlines.days("case.days.notice", region_code=code, on=start) - 1)
        village = Region.objects.get(code=code)
        notice = Notice.objects.create(
            number=_notice_number(code, start),
            village=village,
            region_code=code,
            start_date=start,
            end_date=end,
            created_by=actor,
        )
        for c in group:
            NoticeEntry.objects.create(
                notice=notice,
                case=c,
                masked_name=mask_name(c.applicant.name),
                household_size=snapshot_covered_size(c),
                program_name=engine.program_name(c.program),
                amount=c.opinion_amount,
            )
            _move(c, actor=actor, action="publish_notice", to=Status.NOTICE, on=on, note=notice.number)
        notices.append(notice)
    return notices


def case_publish_notice(
    *, actor: User, case: Case, start_date: dt.date | None = None, on: dt.date | None = None
) -> Case:
    notice_publish(actor=actor, cases=[case], start_date=start_date, on=on)
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def case_record_objection(
    *, actor: User, case: Case, content: str, received_on: dt.date | None = None, on: dt.date | None = None
) -> Case:
    """An objection during the notice: the longer overall limit applies from now ([57] 第二十四条)."""
    on = _today(on)
    case = _begin(actor, case, "record_objection")
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    entry = case.notice_entries.select_related("notice").order_by("-id").first()
    Objection.objects.create(
        case=case,
        notice=entry.notice if entry else None,
        received_on=received_on or on,
        content=content,
        recorded_by=actor,
    )
    case.extended = True
    return _move(case, actor=actor, action="record_objection", to=Status.OBJECTED, on=on, note=content)


@transaction.atomic
def case_resolve_objection(*, actor: User, case: Case, resolution: str, text: str, on: dt.date | None = None) -> Case:
    """民主评议 sends the case back for a new notice; 重新调查 back to the home visit."""
    on = _today(on)
    case = _begin(actor, case, "resolve_objection")
    if resolution not in (ObjectionResolution.DEMOCRATIC_REVIEW, ObjectionResolution.REINVESTIGATE):
        raise ValidationError({"resolution": _("请选择民主评议或重新调查")})
    if not text.strip():
        raise ValidationError({"text": _("请填写处理结果")})
    case.objections.filter(resolution="").update(resolution=resolution, resolution_text=text, resolved_at=on)
    to = Status.TOWNSHIP_DONE if resolution == ObjectionResolution.DEMOCRATIC_REVIEW else Status.ACCEPTED
    return _move(case, actor=actor, action="resolve_objection", to=to, on=on, note=text)
