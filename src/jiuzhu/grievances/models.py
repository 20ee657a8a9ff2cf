"""Complaints, reports, questions and suggestions (投诉举报) and what happens to them.

A grievance concerns a region (a township or a village: the scope filters read `region_code`) and, once the
county assigns it, is handled by an office (`assigned_code`: a township, or the county itself). Its query code is
stored only as a keyed hash; the complainant's phone only encrypted.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.regions.models import Region


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    INQUIRY = "inquiry", _("咨询")
    SUGGESTION = "suggestion", _("意见")


class Channel(models.TextChoices):
    PORTAL = "portal", _("网上")
    WINDOW = "window", _("窗口")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")


class State(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分派")
    INVESTIGATING = "investigating", _("调查中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


# Still waiting for the answer: what a deadline runs against, what escalation and the to-do count.
OPEN_STATES = frozenset({State.RECEIVED, State.ASSIGNED, State.INVESTIGATING})


class Topic(models.TextChoices):
    """What a grievance is about, for the reports on topics (the desk may correct what the complainant chose)."""

    ELIGIBILITY = "eligibility", _("救助对象认定")
    FAVORITISM = "favoritism", _("优亲厚友、人情保")
    AMOUNT = "amount", _("救助金额")
    PAYMENT = "payment", _("资金发放")
    DELAY = "delay", _("办理时限")
    CONDUCT = "conduct", _("工作作风")
    POLICY = "policy", _("政策咨询")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    UNKNOWN = "", _("未评价")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Grievance(models.Model):
    number = models.CharField(_("受理编号"), max_length=16, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, db_index=True)
    channel = models.CharField(_("来源渠道"), max_length=8, choices=Channel.choices, db_index=True)
    topic = models.CharField(_("问题类别"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    content = models.TextField(_("反映内容"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所涉地区"))
    # The region's code, copied so every scope filter is a range scan on one column.
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    anonymous = models.BooleanField(_("匿名"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_enc = models.CharField(max_length=200, blank=True, editable=False)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    # HMAC of the query code handed to the complainant once (core.pii.lookup_hash); the code itself is not kept.
    query_hash = models.CharField(max_length=64, editable=False)
    PII_SECRET_HASHES: ClassVar[tuple[str, ...]] = ("query_hash",)  # not re-hashable by a key rotation

    subject_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所涉申请")
    )
    subject_household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所涉家庭"),
    )
    subject_person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所涉人员")
    )
    subject_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所涉工作人员"),
    )

    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.RECEIVED, db_index=True)
    received_on = models.DateField(_("受理日期"), db_index=True)
    due_date = models.DateField(_("办理期限"), db_index=True)
    assigned_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    assigned_code = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人"),
    )
    answer = models.TextField(_("答复内容"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True, default=Satisfaction.UNKNOWN
    )
    # Set by the daily escalation when the deadline passed unanswered: the county's 督办 list.
    escalated_on = models.DateField(_("超期督办日期"), null=True, blank=True, db_index=True)
    reopened = models.PositiveSmallIntegerField(_("复查次数"), default=0)
    review = models.ForeignKey(
        "cases.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("触发的复核")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["state", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_date__gte=models.F("received_on")), name="grievance_due"),
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(contact_name="", contact_phone_enc=""),
                name="grievance_anonymous_no_contact",
            ),
        ]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def township_code(self) -> str:
        return self.region_code[:9] + "000"


# What each timeline entry is called: the workflow's steps, and the two the desk does not take by hand.
EVENT_LABELS = {
    "receive": _("受理"),
    "assign": _("分派"),
    "investigate": _("开始调查"),
    "note": _("记录调查情况"),
    "request_review": _("申请复核救助待遇"),
    "answer": _("答复"),
    "close": _("办结"),
    "reopen": _("复查"),
    "escalate": _("超期督办"),
    "feedback": _("反映人评价"),
}


class GrievanceEvent(models.Model):
    """One step taken on a grievance: its timeline, and the data of the timeliness report."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("环节"), max_length=20)
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"GrievanceEvent {self.pk}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def state_label(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else ""


class GrievanceCounter(models.Model):
    """The last serial used in one month; locked while a number is drawn, so two desks never share one."""

    period = models.CharField(max_length=6, unique=True)  # YYYYMM
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.period}:{self.last}"
