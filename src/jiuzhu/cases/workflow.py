"""The workflow as data: which step may run from which state, to which state, with which capability.

Services enforce this table; the to-do lists, the buttons on the case page and the transition tests are
all read from it, so the rule lives in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jiuzhu.accounts.models import Capability
from jiuzhu.cases.models import Status

# The programme groups the procedure treats apart: 单人保 is 低保's; 特困 has its own township deadline and
# self-care assessment, and no half-yearly review.
DIBAO = frozenset({"dibao_urban", "dibao_rural"})
TEKUN = frozenset({"tekun_central", "tekun_dispersed"})

OPEN = frozenset(
    {
        Status.SUBMITTED,
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

# The step that moves a case on from each state: what a to-do list asks of its owner.
NEXT_STEP: dict[Status, str] = {
    Status.SUBMITTED: "accept",
    Status.ACCEPTED: "investigate",
    Status.INVESTIGATED: "request_check",
    Status.CHECKING: "record_check",
    Status.CHECKED: "township_opinion",
    Status.TOWNSHIP_DONE: "publish_notice",
    Status.NOTICE: "confirm",
    Status.OBJECTED: "resolve_objection",
}
