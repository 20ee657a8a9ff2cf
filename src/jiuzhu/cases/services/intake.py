"""受理 or not: the township's answers to a submitted application besides accepting it.

- 一次性告知补正材料 ([57] 第十一条): materials are incomplete; the applicant is told once, in writing,
  everything to supply, and the case waits until a day set by the dated regional parameter
  case.days.supplement. Recording the supplement puts the case back before the caseworker, and the 受理 time
  limit (case.days.accept) runs again from that day: it counts from complete materials.
- 不予受理: the application does not meet the conditions of acceptance (household registration, programme,
  a duplicate, a supplement never brought); the township decides so in writing, with its reasons. A closed
  state of its own, apart from the county's 不予确认 and the family's 撤回.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.cases import checklists, deadlines
from jiuzhu.cases.models import Case, NotAcceptedReason, Status, SupplementRequest
from jiuzhu.cases.selectors import open_supplement, supplement_labels
from jiuzhu.cases.services._common import IllegalStep, _begin, _move, _today


@transaction.atomic
def case_request_supplement(
    *, actor: User, case: Case, items: Sequence[str] = (), other: str = "", on: dt.date | None = None
) -> Case:
    """一次性告知补正材料: the checklist items missing and anything else, in words, all at once."""
    on = _today(on)
    case = _begin(actor, case, "request_supplement", on=on)
    known = dict(checklists.checklist(case.program))
    chosen = list(dict.fromkeys(i for i in items if i))
    errors: dict[str, str] = {}
    unknown = [i for i in chosen if i not in known]
    if unknown:
        errors["items"] = _("不是该救助项目申请材料清单中的材料")
    elif not chosen and not other.strip():
        errors["items"] = _("请选择或写明需要补正的材料，一次性告知全部")
    if errors:
        raise ValidationError(errors)
    request = SupplementRequest.objects.create(
        case=case,
        items=chosen,
        other=other.strip(),
        requested_on=on,
        due=deadlines.due_after(on, "case.days.supplement", region_code=case.region_code),
        requested_by=actor,
    )
    labels = [label for _code, label in supplement_labels(case, request)]
    return _move(
        case,
        actor=actor,
        action="request_supplement",
        to=Status.SUPPLEMENT,
        on=on,
        note="、".join(labels),
        audit_after={"items": labels, "due": request.due.isoformat()},
    )


@transaction.atomic
def case_supply(
    *, actor: User, case: Case, received: Sequence[str] = (), note: str = "", on: dt.date | None = None
) -> Case:
    """The supplement brought: every item asked, either ticked as received on paper or uploaded since the
    request. The case waits for 受理 again, its time limit counted from today."""
    on = _today(on)
    case = _begin(actor, case, "supply", on=on)
    request = open_supplement(case)
    if request is None:  # a case put into 待补正 by hand: nothing to check against
        raise IllegalStep(_("申请 %(n)s 没有待补正的材料") % {"n": case.number})
    uploaded = set(case.documents.filter(uploaded_at__gte=request.created_at).values_list("kind", flat=True))
    have = set(received) | uploaded
    missing = [label for code, label in supplement_labels(case, request) if code not in have]
    if missing:
        raise ValidationError({"received": _("尚未补齐：%(m)s") % {"m": "、".join(missing)}})
    request.supplied_on, request.supplied_by, request.supplied_note = on, actor, note.strip()[:300]
    request.save(update_fields=["supplied_on", "supplied_by", "supplied_note"])
    return _move(
        case,
        actor=actor,
        action="supply",
        to=Status.SUBMITTED,
        on=on,
        note=note.strip() or _("材料已补齐"),
        audit_after={"supplement": request.pk},
    )


@transaction.atomic
def case_not_accept(*, actor: User, case: Case, reason: str, text: str, on: dt.date | None = None) -> Case:
    """不予受理, with a reason chosen and written out: the family receives it as a 不予受理告知书."""
    on = _today(on)
    case = _begin(actor, case, "not_accept", on=on)
    errors: dict[str, str] = {}
    if reason not in NotAcceptedReason.values:
        errors["reason"] = _("请选择不予受理的原因")
    if not text.strip():
        errors["text"] = _("不予受理须书面说明理由")
    if reason == NotAcceptedReason.SUPPLEMENT_OVERDUE:
        request = open_supplement(case) if case.status == Status.SUPPLEMENT else None
        if request is None:
            errors["reason"] = _("该申请没有待补正的材料，不能以逾期未补正为由不予受理")
        elif on <= request.due:
            errors["reason"] = _("补正期限至 %(d)s，期满前不能以逾期未补正为由不予受理") % {
                "d": request.due.strftime("%Y-%m-%d")
            }
    if errors:
        raise ValidationError(errors)
    case.not_accepted_reason, case.not_accepted_text = reason, text.strip()
    case.not_accepted_by, case.not_accepted_at = actor, on
    return _move(
        case,
        actor=actor,
        action="not_accept",
        to=Status.NOT_ACCEPTED,
        on=on,
        note=text,
        audit_after={"reason": str(NotAcceptedReason(reason).label)},
    )
