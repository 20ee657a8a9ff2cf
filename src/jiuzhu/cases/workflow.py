"""The workflow as data: which step may run from which state, to which state, with which capability.

Services enforce this table; the to-do lists, the buttons on the case page and the transition tests are
all read from it, so the rule lives in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases.models import Case, LinshiKind, Status
from jiuzhu.core.scope import in_scope

# The programme groups the procedure treats apart: 单人保 is 低保's; 特困 has its own township deadline and
# self-care assessment, and no half-yearly review.
DIBAO = frozenset({"dibao_urban", "dibao_rural"})
TEKUN = frozenset({"tekun_central", "tekun_dispersed"})

OPEN = frozenset(
    {
        Status.SUBMITTED,
        Status.SUPPLEMENT,
        Status.ACCEPTED,
        Status.INVESTIGATED,
        Status.CHECKING,
        Status.CHECKED,
        Status.TOWNSHIP_DONE,
        Status.NOTICE,
        Status.OBJECTED,
    }
)


@dataclass(frozen=True)
class Step:
    action: str
    label: StrOrPromise
    sources: frozenset[Status]
    # None: the service decides between targets (an objection resolves to re-notice or re-investigation).
    target: Status | None
    capability: Capability
    # Investigation steps of a staff relative's application are the county's ([57] 第十二条).
    county_for_staff_relatives: bool = False


STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("accept", _("受理"), frozenset({Status.SUBMITTED}), Status.ACCEPTED, Capability.ACCEPT_CASE),
        # Materials incomplete: told once, in writing, everything to supply ([57] 第十一条); the case waits.
        Step("request_supplement", _("一次性告知补正材料"), frozenset({Status.SUBMITTED}), Status.SUPPLEMENT,
             Capability.ACCEPT_CASE),
        # The supplement recorded at the village or the township window: back before the caseworker to accept.
        Step("supply", _("登记补正材料"), frozenset({Status.SUPPLEMENT}), Status.SUBMITTED, Capability.SUBMIT_CASE),
        Step("not_accept", _("不予受理"), frozenset({Status.SUBMITTED, Status.SUPPLEMENT}), Status.NOT_ACCEPTED,
             Capability.ACCEPT_CASE),
        Step("investigate", _("入户调查"), frozenset({Status.ACCEPTED}), Status.INVESTIGATED, Capability.INVESTIGATE,
             county_for_staff_relatives=True),
        Step("request_check", _("申请经济状况核对"), frozenset({Status.INVESTIGATED}), Status.CHECKING,
             Capability.INVESTIGATE, county_for_staff_relatives=True),
        Step("record_check", _("录入核对结果"), frozenset({Status.CHECKING}), Status.CHECKED, Capability.INVESTIGATE,
             county_for_staff_relatives=True),
        Step("township_opinion", _("乡镇审核意见"), frozenset({Status.CHECKED}), Status.TOWNSHIP_DONE,
             Capability.TOWNSHIP_OPINION),
        Step("publish_notice", _("张贴公示"), frozenset({Status.TOWNSHIP_DONE}), Status.NOTICE,
             Capability.PUBLISH_NOTICE),
        Step("record_objection", _("登记公示异议"), frozenset({Status.NOTICE}), Status.OBJECTED,
             Capability.PUBLISH_NOTICE),
        Step("resolve_objection", _("处理异议"), frozenset({Status.OBJECTED}), None, Capability.PUBLISH_NOTICE),
        Step("confirm", _("审核确认"), frozenset({Status.NOTICE}), Status.APPROVED, Capability.CONFIRM_CASE),
        Step("refuse", _("不予确认"), frozenset({Status.TOWNSHIP_DONE, Status.NOTICE, Status.OBJECTED}),
             Status.REFUSED, Capability.CONFIRM_CASE),
        Step("withdraw", _("撤回申请"), OPEN, Status.WITHDRAWN, Capability.SUBMIT_CASE),
    )
}  # fmt: skip

# Not in the table (the case stays on notice), but on the to-do list and the case page like a step: the second
# person's check of an amount above the computed one.
CHECK_AMOUNT = Step("check_amount", _("复核确认金额"), frozenset({Status.NOTICE}), None, Capability.CONFIRM_CASE)

# The step that moves a case on from each state: what a to-do list asks of its owner.
NEXT_STEP: dict[Status, str] = {
    Status.SUBMITTED: "accept",
    Status.SUPPLEMENT: "supply",
    Status.ACCEPTED: "investigate",
    Status.INVESTIGATED: "request_check",
    Status.CHECKING: "record_check",
    Status.CHECKED: "township_opinion",
    Status.TOWNSHIP_DONE: "publish_notice",
    Status.NOTICE: "confirm",
    Status.OBJECTED: "resolve_objection",
}


# Actions on a case that do not move it: who may take them and when (the rest of "may this role do this").
SIDE_ACTIONS: dict[str, tuple[Capability, ...]] = {
    "upload_document": (Capability.SUBMIT_CASE, Capability.ACCEPT_CASE, Capability.INVESTIGATE),
    "add_note": tuple(dict.fromkeys(s.capability for s in STEPS.values())),
    "assess_self_care": (Capability.INVESTIGATE,),
    "emergency_pay": (Capability.EMERGENCY_AID,),
    # The second person's check of an amount above the computed one (services.decision.case_amount_check).
    "check_amount": (Capability.CONFIRM_CASE,),
}


@dataclass(frozen=True)
class Refusal:
    """Why a user may not take an action on a case now. `forbidden`: never, for this user (their role, a
    staff relative's file, maker-checker) — PermissionDenied; otherwise not in the case's present state or
    not yet — IllegalStep."""

    message: StrOrPromise
    forbidden: bool


def notice_end(case: Case) -> dt.date | None:
    """The last day of the case's latest public notice, None when it was never on notice. Reads the entries
    prefetched with their notices when a list prefetched them (the to-do list)."""
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("notice_entries")
    if prefetched is not None:
        return max((e.notice.end_date for e in prefetched), default=None)
    entry = case.notice_entries.select_related("notice").order_by("-notice__end_date").first()
    return entry.notice.end_date if entry else None


def step_refusal(user: User, case: Case, action: str, *, on: dt.date | None = None) -> Refusal | None:
    """None when `user` may take `action` on `case` on `on` (today by default); else why not. The services
    check scope before asking (an out-of-scope case does not exist for the user: 404); it is refused here too
    so that step_allowed alone answers for lists built from unscoped rows.

    The one answer to "may this role take this step": services refuse with it, the case page offers only
    the forms it allows, the to-do list and the API's next_steps list what it allows."""
    if not in_scope(user, case.region_code):
        return Refusal(gettext("该申请不在您的管辖范围内"), forbidden=True)
    if action in SIDE_ACTIONS:
        return _side_refusal(user, case, action)
    step = STEPS[action]
    if not user.has_capability(step.capability):
        return Refusal(gettext("您的角色无权执行此操作"), forbidden=True)
    if case.status not in step.sources:
        return Refusal(
            gettext("申请 %(n)s 当前状态为“%(s)s”，不能执行“%(a)s”")
            % {"n": case.number, "s": case.get_status_display(), "a": step.label},
            forbidden=False,
        )
    if step.county_for_staff_relatives and case.staff_relative and not user.is_county_level:
        return Refusal(gettext("经办人员近亲属的申请由县级民政部门调查核实"), forbidden=True)
    if action in ("confirm", "refuse") and case.amount_check_by_id is not None:
        return Refusal(
            gettext("申请 %(n)s 的确认金额高于测算金额，正待另一名审核人员复核") % {"n": case.number}, forbidden=False
        )
    if action in ("confirm", "refuse") and case.opinion_by_id is not None and case.opinion_by_id == user.pk:
        return Refusal(gettext("签署乡镇审核意见的人员不能同时作出审核确认决定"), forbidden=True)
    if action == "publish_notice" and not case.opinion_recommend:
        return Refusal(
            gettext("申请 %(n)s 的乡镇意见为不予确认，无需公示，请报县级决定") % {"n": case.number}, forbidden=False
        )
    if action == "confirm":
        end = notice_end(case)
        if end is None:
            return Refusal(gettext("申请 %(n)s 尚未公示") % {"n": case.number}, forbidden=False)
        if end >= (on or timezone.localdate()):
            return Refusal(
                gettext("公示期至 %(d)s 结束，公示期满后方可审核确认") % {"d": end.strftime("%Y-%m-%d")},
                forbidden=False,
            )
    return None


def _side_refusal(user: User, case: Case, action: str) -> Refusal | None:
    if not any(user.has_capability(c) for c in SIDE_ACTIONS[action]):
        return Refusal(gettext("您的角色无权执行此操作"), forbidden=True)
    if action == "upload_document" and case.is_closed:
        return Refusal(gettext("申请已办结，不能再上传材料"), forbidden=False)
    if action == "assess_self_care":
        if case.program not in TEKUN:
            return Refusal(gettext("生活自理能力评估只用于特困人员认定"), forbidden=False)
        if case.status not in OPEN - {Status.NOTICE, Status.OBJECTED}:
            return Refusal(gettext("申请当前状态不能再评估生活自理能力"), forbidden=False)
    if action == "check_amount":
        return _check_amount_refusal(user, case)
    if action == "emergency_pay":
        if case.program != "linshi" or case.linshi_kind != LinshiKind.EMERGENCY:
            return Refusal(gettext("只有急难型临时救助可以先行救助"), forbidden=False)
        if case.status not in OPEN:
            return Refusal(gettext("申请已办结，不能先行救助"), forbidden=False)
        if case.emergency_paid_at is not None:
            return Refusal(gettext("该申请已先行救助"), forbidden=False)
    return None


def _check_amount_refusal(user: User, case: Case) -> Refusal | None:
    """The second person's check: someone else than who raised the amount (or signed the township opinion)."""
    if case.amount_check_by_id is None or case.status != Status.NOTICE:
        return Refusal(gettext("申请 %(n)s 没有待复核的金额") % {"n": case.number}, forbidden=False)
    if case.amount_check_by_id == user.pk:
        return Refusal(gettext("确认金额的人员不能复核自己确认的金额，须由另一名审核人员复核"), forbidden=True)
    if not user.is_county_level:
        return Refusal(gettext("金额复核由县级审核人员办理"), forbidden=True)
    if case.opinion_by_id is not None and case.opinion_by_id == user.pk:
        return Refusal(gettext("签署乡镇审核意见的人员不能同时作出审核确认决定"), forbidden=True)
    return None


def step_allowed(user: User, case: Case, action: str, *, on: dt.date | None = None) -> bool:
    return step_refusal(user, case, action, on=on) is None
