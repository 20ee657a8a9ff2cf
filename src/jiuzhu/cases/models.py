"""Applications (申请) and everything hung on them: investigation, economic check, public notice,
objections, decision, documents, notes; the reserve fund of 急难型 临时救助; dynamic-management reviews.
(The county's holiday overrides live in core, beside the working-day calendar that reads them.)"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.models import ChoiceLabels
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person


def _money(label: Any, **kw: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=12, decimal_places=2, **kw)


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口申请")
    ONLINE = "online", _("网上申请")
    ENTRUSTED = "entrusted", _("委托村（居）委会代为申请")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    # Materials incomplete: the applicant was told once, in writing, everything to supply ([57] 第十一条).
    SUPPLEMENT = "supplement", _("待补正")
    ACCEPTED = "accepted", _("待入户调查")
    INVESTIGATED = "investigated", _("待申请核对")
    CHECKING = "checking", _("经济状况核对中")
    CHECKED = "checked", _("待乡镇审核")
    TOWNSHIP_DONE = "township_done", _("乡镇已审核，待公示")
    NOTICE = "notice", _("公示中")
    OBJECTED = "objected", _("公示有异议")
    APPROVED = "approved", _("已审核确认")
    REFUSED = "refused", _("不予确认")
    WITHDRAWN = "withdrawn", _("已撤回")
    # The township's decision not to take the application up at all: not the county's 不予确认 of its merits.
    NOT_ACCEPTED = "not_accepted", _("不予受理")


CLOSED_STATUSES = frozenset({Status.APPROVED, Status.REFUSED, Status.WITHDRAWN, Status.NOT_ACCEPTED})


class NotAcceptedReason(models.TextChoices):
    """Why an application is not taken up (不予受理): the conditions of acceptance it fails."""

    REGISTRATION = "registration", _("申请人户籍不在本乡镇（街道），且不符合居住地申请条件")
    NOT_APPLICABLE = "not_applicable", _("申请事项不属于该救助项目的受理范围")
    DUPLICATE = "duplicate", _("重复申请：同一事项已在办理或已有决定")
    SUPPLEMENT_OVERDUE = "supplement_overdue", _("经一次性告知后逾期未补齐材料")
    OTHER = "other", _("其他不符合受理条件的情形")


class LinshiKind(models.TextChoices):
    NONE = "", _("—")
    EMERGENCY = "emergency", _("急难型")
    EXPENSE = "expense", _("支出型")


class Case(ChoiceLabels):
    number = models.CharField(_("申请编号"), max_length=24, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("家庭"))
    # The household's village code, copied so every scope filter is a range scan on one column.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    program = models.CharField(_("救助项目"), max_length=30, db_index=True)
    channel = models.CharField(_("申请方式"), max_length=10, choices=Channel.choices, default=Channel.WINDOW)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    # 单人保: one member of a 低保边缘 household enrolled alone; also every person programme (特困).
    single_person = models.BooleanField(_("单人保"), default=False)
    linshi_kind = models.CharField(
        _("临时救助类型"), max_length=10, choices=LinshiKind.choices, blank=True, default=LinshiKind.NONE
    )
    reason = models.TextField(_("申请理由"), blank=True)
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    # The household as it stood when applying: members, incomes, assets (see services.household_snapshot).
    snapshot = models.JSONField(_("申请时家庭情况"), default=dict)
    staff_relative = models.BooleanField(_("经办人员或村干部近亲属"), default=False)
    staff_relative_note = models.CharField(_("近亲属关系说明"), max_length=200, blank=True)
    # Objections, residence elsewhere or hard cases allow the longer overall limit.
    extended = models.BooleanField(_("适用延长时限"), default=False)
    income_irregular = models.BooleanField(_("收入不稳定且有劳动能力成员"), default=False)

    # An online application's query code (查询码), kept only as a keyed hash: the family alone can follow it.
    query_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A keyed hash of a code that is not kept: core.keys cannot re-hash it under a new key, only count it.
    PII_SECRET_HASHES: ClassVar[tuple[str, ...]] = ("query_code_hash",)

    submitted_at = models.DateField(_("申请日期"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("当前环节办理期限"), null=True, blank=True, db_index=True)
    overall_due = models.DateField(_("全流程办结期限"), null=True, blank=True)

    opinion_recommend = models.BooleanField(_("乡镇意见：建议确认"), null=True, blank=True)
    opinion_text = models.TextField(_("乡镇审核意见"), blank=True)
    opinion_amount = _money(_("乡镇建议月救助金额（元）"), null=True, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinion_at = models.DateField(_("乡镇审核日期"), null=True, blank=True)

    computed_amount = _money(_("系统测算金额（元）"), null=True, blank=True)
    approved_amount = _money(_("确认金额（元）"), null=True, blank=True)
    override_reason = models.CharField(_("调整测算金额的理由"), max_length=300, blank=True)
    engine_lines = models.JSONField(_("测算说明"), default=list, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateField(_("决定日期"), null=True, blank=True)
    # Set while an amount above the computed one waits for a second county user's check (AmountCheck): who
    # asked for it, so that the workflow refuses that person the check and everyone the decision meanwhile.
    amount_check_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    # 不予受理: the township's decision with its written reasons (a reason chosen, then said in words).
    not_accepted_reason = models.CharField(
        _("不予受理原因"), max_length=20, choices=NotAcceptedReason.choices, blank=True, default=""
    )
    not_accepted_text = models.TextField(_("不予受理理由"), blank=True)
    not_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_accepted_at = models.DateField(_("不予受理日期"), null=True, blank=True)

    emergency_paid_amount = _money(_("先行救助金额（元）"), null=True, blank=True)
    emergency_paid_at = models.DateField(_("先行救助日期"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            # A double submit cannot leave two open applications of one programme for one household.
            models.UniqueConstraint(
                fields=["household", "program"],
                condition=~models.Q(status__in=["approved", "refused", "withdrawn", "not_accepted"]),
                name="cases_one_open_case_per_programme",
            ),
            # 不予受理 is a written decision: never without its reason and its words.
            models.CheckConstraint(
                condition=~models.Q(status="not_accepted")
                | (~models.Q(not_accepted_reason="") & ~models.Q(not_accepted_text="")),
                name="cases_not_accepted_has_reasons",
            ),
        ]
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")

    def __str__(self) -> str:
        return self.number

    @property
    def township_code(self) -> str:
        return self.region_code[:9] + "000"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class AmountCheckState(models.TextChoices):
    PENDING = "pending", _("待复核")
    ACCEPTED = "accepted", _("复核同意")
    RETURNED = "returned", _("复核退回")


class AmountCheck(models.Model):
    """An approver's amount above the computed one (or above the township's, when nothing was computed),
    checked by a second county user before the entitlement exists: 四眼原则 on the money. The database refuses
    a check by the person who asked for it, and a second pending check on one case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="amount_checks")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    amount = _money(_("确认金额（元）"))
    reference = _money(_("测算金额（元）"), null=True, blank=True)
    reason = models.CharField(_("调整测算金额的理由"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("提交日期"))
    state = models.CharField(
        _("复核结果"), max_length=10, choices=AmountCheckState.choices, default=AmountCheckState.PENDING
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("复核日期"), null=True, blank=True)
    note = models.CharField(_("复核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(state="pending"), name="cases_one_pending_amount_check"
            ),
            models.CheckConstraint(
                condition=models.Q(checked_by__isnull=True) | ~models.Q(checked_by=models.F("requested_by")),
                name="cases_amount_checked_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending") | models.Q(checked_by__isnull=False),
                name="cases_amount_check_has_checker",
            ),
        ]
        verbose_name = _("金额复核")
        verbose_name_plural = _("金额复核")

    def __str__(self) -> str:
        return f"AmountCheck {self.pk}"


class SupplementRequest(models.Model):
    """一次性告知补正材料: everything the applicant is to supply, told at once, with the day it is due. Open
    while `supplied_on` is empty; recording the supplement puts the case back before the caseworker, and the
    受理 time limit runs again from that day, when the materials are complete."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplements")
    # Codes of the programme's checklist (cases.checklists), and what the checklist does not name, in words.
    items = models.JSONField(_("需补正的材料"), default=list)
    other = models.TextField(_("其他需补正的材料"), blank=True)
    requested_on = models.DateField(_("告知日期"))
    due = models.DateField(_("补正期限"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    supplied_on = models.DateField(_("补正日期"), null=True, blank=True)
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplied_note = models.CharField(_("补正说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("补正材料告知")
        verbose_name_plural = _("补正材料告知")

    def __str__(self) -> str:
        return f"SupplementRequest {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.supplied_on is None


class CaseEvent(models.Model):
    """One step taken on a case: the case's own history and the raw data of the timeliness page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("环节"), max_length=30)
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on = models.DateField(_("日期"))
    was_due = models.DateField(_("期限"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"CaseEvent {self.pk}"

    @property
    def late(self) -> bool:
        return self.was_due is not None and self.on > self.was_due


class Investigation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigations")
    visit_date = models.DateField(_("入户调查日期"))
    investigators = models.JSONField(_("调查人员"), default=list)
    findings = models.TextField(_("调查情况"))
    family_confirmed = models.BooleanField(_("申请人已签字确认"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Investigation {self.pk}"


class EconomicCheck(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checks")
    requested_at = models.DateField(_("申请核对日期"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    result = models.TextField(_("核对结果"), blank=True)
    passed = models.BooleanField(_("核对通过"), null=True, blank=True)
    recorded_at = models.DateField(_("结果录入日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"EconomicCheck {self.pk}"


class Notice(models.Model):
    """One village's public notice (公示): a list posted for 7 days, holding only what may be shown."""

    number = models.CharField(_("公示编号"), max_length=30, unique=True)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    start_date = models.DateField(_("公示开始日期"))
    end_date = models.DateField(_("公示截止日期"))
    # The public page's address: unguessable, so notices cannot be enumerated.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return self.number


class NoticeEntry(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notice_entries")
    masked_name = models.CharField(_("申请人"), max_length=50)
    household_size = models.PositiveSmallIntegerField(_("保障人数"))
    program_name = models.CharField(_("救助项目"), max_length=60)
    amount = _money(_("拟保障金额（元/月）"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"NoticeEntry {self.pk}"


class ObjectionResolution(models.TextChoices):
    PENDING = "", _("待处理")
    DEMOCRATIC_REVIEW = "democratic_review", _("民主评议")
    REINVESTIGATE = "reinvestigate", _("重新调查")


class Objection(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    notice = models.ForeignKey(Notice, null=True, on_delete=models.SET_NULL, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    resolution = models.CharField(
        _("处理方式"), max_length=20, choices=ObjectionResolution.choices, blank=True, default=""
    )
    resolution_text = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateField(_("处理日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Objection {self.pk}"


def _document_path(instance: CaseDocument, filename: str) -> str:
    # A random name: the original one is kept in a column, never trusted as a path.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=30)
    file = models.FileField(_("文件"), upload_to=_document_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(max_length=60)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"CaseDocument {self.pk}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("备注"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"CaseNote {self.pk}"


ADL_ACTIVITIES: tuple[tuple[str, Any], ...] = (
    ("eating", _("吃饭")),
    ("dressing", _("穿衣")),
    ("transfer", _("上下床")),
    ("toileting", _("如厕")),
    ("walking", _("室内行走")),
    ("bathing", _("洗澡")),
)


class SelfCareAssessment(models.Model):
    """特困 生活自理能力评估: for each of six activities, whether the person can do it alone."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="self_care")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    eating = models.BooleanField(_("能自主吃饭"))
    dressing = models.BooleanField(_("能自主穿衣"))
    transfer = models.BooleanField(_("能自主上下床"))
    toileting = models.BooleanField(_("能自主如厕"))
    walking = models.BooleanField(_("能自主室内行走"))
    bathing = models.BooleanField(_("能自主洗澡"))
    assessed_on = models.DateField(_("评估日期"))
    assessors = models.JSONField(_("评估人员"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"SelfCareAssessment {self.pk}"

    @property
    def impossible(self) -> int:
        return sum(1 for code, _label in ADL_ACTIVITIES if not getattr(self, code))


class ReserveFundEntry(models.Model):
    """The township's 临时救助 备用金 ledger: top-ups positive, emergency payments negative."""

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    on = models.DateField(_("日期"))
    amount = _money(_("金额（元）"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reserve_entries")
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"ReserveFundEntry {self.pk}"


class ReserveFund(models.Model):
    """The township's reserve-fund balance, one row per township: the row every top-up and emergency payment
    locks (select_for_update) before it writes its ledger entry, so two payments at once cannot both spend the
    same money; the database refuses a negative balance whatever the code does."""

    township = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇"))
    balance = _money(_("余额（元）"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="cases_reservefund_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"ReserveFund {self.township_id} {self.balance}"


class ReviewKind(models.TextChoices):
    SCHEDULED = "scheduled", _("定期复核")
    DEATH = "death", _("成员死亡复核")
    # Opened when something outside the schedule calls the entitlement into question (a complaint, a report).
    ON_DEMAND = "on_demand", _("专项复核")


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("待复核")
    CONTINUE = "continue", _("继续享受")
    CHANGE = "change", _("调整金额")
    GRADUAL_EXIT = "gradual_exit", _("渐退")
    STOP = "stop", _("停止")


class Review(ChoiceLabels):
    """A dynamic-management re-check (动态管理复核) of one entitlement, due on a date."""

    entitlement = models.ForeignKey("payments.Entitlement", on_delete=models.CASCADE, related_name="reviews")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("复核类型"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.SCHEDULED)
    due_date = models.DateField(_("复核期限"), db_index=True)
    outcome = models.CharField(_("复核结果"), max_length=15, choices=ReviewOutcome.choices, blank=True, default="")
    new_amount = _money(_("调整后月金额（元）"), null=True, blank=True)
    exit_months = models.PositiveSmallIntegerField(_("渐退月数"), null=True, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateField(_("复核日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The township's proposal (乡镇提请) of a change, gradual exit or stop, waiting for the county's decision.
    proposed_outcome = models.CharField(
        _("提请结果"), max_length=15, choices=ReviewOutcome.choices, blank=True, default=""
    )
    proposed_amount = _money(_("提请调整后月金额（元）"), null=True, blank=True)
    proposed_exit_months = models.PositiveSmallIntegerField(_("提请渐退月数"), null=True, blank=True)
    proposed_reasons = models.TextField(_("提请理由"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateField(_("提请日期"), null=True, blank=True)
    # The county's last return (退回) of a proposal, shown to the township until it proposes again or decides.
    returned_reasons = models.TextField(_("退回理由"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateField(_("退回日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("动态管理复核")
        verbose_name_plural = _("动态管理复核")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposed_amount__isnull=True) | models.Q(proposed_amount__gt=0),
                name="cases_review_proposed_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(proposed_outcome__in=["", "change", "gradual_exit", "stop"]),
                name="cases_review_proposed_outcome_county",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ReviewOutcome.PENDING

    @property
    def is_proposed(self) -> bool:
        """Open and waiting for the county's decision on the township's proposal."""
        return self.is_open and self.proposed_outcome != ""

    @property
    def is_returned(self) -> bool:
        """Open, with the county's return of a proposal still to be answered by the township."""
        return self.is_open and not self.proposed_outcome and self.returned_at is not None


class ReviewStep(models.TextChoices):
    OPEN = "open", _("发起专项复核")
    PROPOSE = "propose", _("乡镇提请县级审批")
    APPROVE = "approve", _("县级审批同意")
    RETURN = "return", _("县级退回")
    WITHDRAW = "withdraw", _("乡镇撤回提请")
    RECORD = "record", _("记录复核结果")


class ReviewEvent(models.Model):
    """One step taken on a review: its history, as staff read it on the review page."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("环节"), max_length=10, choices=ReviewStep.choices)
    outcome = models.CharField(_("复核结果"), max_length=15, choices=ReviewOutcome.choices, blank=True, default="")
    amount = _money(_("月金额（元）"), null=True, blank=True)
    exit_months = models.PositiveSmallIntegerField(_("渐退月数"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("复核办理记录")
        verbose_name_plural = _("复核办理记录")

    def __str__(self) -> str:
        return f"ReviewEvent {self.pk}"
