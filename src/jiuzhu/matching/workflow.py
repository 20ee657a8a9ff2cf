"""The findings' workflow as data (as cases/workflow.py): which step may run from which status, to which,
with which capability. Services enforce it; the buttons of the finding page and the tests read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.scope import in_scope
from jiuzhu.matching.models import Finding, FindingStatus


@dataclass(frozen=True)
class Step:
    action: str
    label: StrOrPromise
    sources: frozenset[FindingStatus]
    target: FindingStatus
    capability: Capability
    note_label: StrOrPromise  # what the note must say; every step but starting needs one


S = FindingStatus
STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step("start", _("开始核实"), frozenset({S.PENDING}), S.VERIFYING, Capability.VERIFY_FINDING, _("说明")),
        Step("confirm", _("核实属实"), frozenset({S.VERIFYING}), S.CONFIRMED, Capability.VERIFY_FINDING, _("核实情况")),
        Step("dismiss", _("核实不属实"), frozenset({S.PENDING, S.VERIFYING}), S.UNFOUNDED, Capability.VERIFY_FINDING,
             _("不属实的理由")),
        Step("rectify", _("整改办结"), frozenset({S.CONFIRMED}), S.RECTIFIED, Capability.VERIFY_FINDING, _("整改情况")),
    )
}  # fmt: skip


class Action:
    """What closes a confirmed finding: each calls another app's service (services.findings)."""

    RECORD_DEATH = "record_death"
    STOP = "stop"
    REVIEW = "review"
    APPLY = "apply"
    CORRECT = "correct"


ACTION_LABELS: dict[str, StrOrPromise] = {
    Action.RECORD_DEATH: _("登记死亡（自死亡次月起停发并追回多发金额）"),
    Action.STOP: _("停止发放"),
    Action.REVIEW: _("启动复核"),
    Action.APPLY: _("代为申请遗漏的救助项目"),
    Action.CORRECT: _("已更正登记信息"),
}


def steps_for(user: User, finding: Finding) -> list[Step]:
    """The steps this user may take on this finding now."""
    if not in_scope(user, finding.region_code):
        return []
    return [s for s in STEPS.values() if finding.status in s.sources and user.has_capability(s.capability)]
