from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.models import ChoiceLabels
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("正常享受")
    SUSPENDED = "suspended", _("暂停")
    STOPPED = "stopped", _("已停止")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`: approvals, suspensions and stops take effect then."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    import calendar

    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class Entitlement(ChoiceLabels):
    """A household's (or person's) right to a monthly payment of one programme, what payroll pays from.

    Months are stored as their first day. `end_month` is the last month paid; empty while open-ended."""

    # No foreign-key constraints of the database on this model and the two below (EntitlementPerson,
    # EntitlementEvent): Django's are deferred, one check and one row lock of the parent per row and key at
    # COMMIT (≈ 8.8 million at a county's 提标, two thirds of its time on PostgreSQL). The same rules are
    # checked set-based on PostgreSQL by core.refs's triggers (migration 0015, for every foreign key of this app
    # declared without a constraint; 0009 first): the rows an INSERT writes at once against their parents, a
    # parent still referred to cannot be deleted. on_delete still applies in Django. SQLite: row triggers
    # (0009, 0014); a table rebuild (AlterField of these tables) drops them and must create them again.
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name=_("家庭"),
        db_constraint=False,
    )
    # Denormalised for the scope filter, as on Household. Indexed in Meta.indexes: a field's db_index would add
    # PostgreSQL's LIKE twin, and the region is only asked for by range (core.scope.prefix_q).
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    # No index of its own (nor on created_by): a dozen programmes, always asked for with a region or a
    # household, and the creator only when a user is deleted. Each index is written again for every link a
    # 提标 closes (its UPDATE cannot stay on the page) and every link it makes.
    program = models.CharField(_("救助项目"), max_length=30)
    # The persons a link pays for are listed once, on the link that first paid for them (`own_persons`): a
    # 提标 starts new links for the same persons and points them there (`persons_of`) instead of copying the
    # list (at a county's 提标, 2.4 million rows and three index entries each, a third of its server time).
    # Read them through `persons` (a link), PERSONS_PREFETCH (a list of links) or selectors.covered_rows (in bulk).
    own_persons: models.ManyToManyField[Person, EntitlementPerson] = models.ManyToManyField(
        Person, through="EntitlementPerson", related_name="entitlements", verbose_name=_("保障对象")
    )
    persons_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharers",
        verbose_name=_("保障对象同"),
        db_constraint=False,
        db_index=False,  # a partial index in Meta: only the links that share have a value
    )
    monthly_amount = models.DecimalField(_("月救助金额（元）"), max_digits=12, decimal_places=2)
    start_month = models.DateField(_("起始月份"))
    end_month = models.DateField(_("终止月份"), null=True, blank=True)
    suspended_from = models.DateField(_("暂停起始月份"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EntitlementStatus.choices, default=EntitlementStatus.ACTIVE
    )
    # A gradual exit (渐退期) keeps paying until end_month although the household no longer qualifies.
    gradual_exit = models.BooleanField(_("渐退期"), default=False)
    source_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name=_("来源申请"),
        db_constraint=False,
    )
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
        verbose_name=_("调整前"),
        db_constraint=False,
    )
    reason = models.CharField(_("变更原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["-start_month", "-id"]
        # On PostgreSQL the table keeps half of each page free (migration 0010, fillfactor 50): closing a link
        # at a 提标 (status, reason, end_month) is then a HOT update, writing none of the indexes. Keep those
        # three columns out of every index.
        indexes = [
            models.Index(fields=["region_code"], name="payments_entitlement_region"),
            models.Index(fields=["persons_of"], name="payments_ent_persons_of", condition=Q(persons_of__isnull=False)),
        ]
        verbose_name = _("救助待遇")
        verbose_name_plural = _("救助待遇")

    def __str__(self) -> str:
        return f"{self.household.number} {self.program} {self.monthly_amount}"

    def pays_in(self, month: dt.date) -> bool:
        month = first_of_month(month)
        if month < self.start_month or (self.end_month is not None and month > self.end_month):
            return False
        return not (self.suspended_from is not None and month >= self.suspended_from)

    @property
    def annual_amount(self) -> Decimal:
        return self.monthly_amount * 12

    @property
    def persons_link_id(self) -> int:
        """The link whose list names the persons this one pays for: the one it shares, or itself."""
        return self.persons_of_id if self.persons_of_id is not None else self.pk

    @property
    def persons(self) -> Any:
        """The persons this link pays for (a related manager of Person): its own list or the one it shares.
        Prefetched for a list of links by PERSONS_PREFETCH."""
        return (self.persons_of or self).own_persons


# What a list of links prefetches so that `link.persons.all()` asks nothing more: both kinds of link.
PERSONS_PREFETCH = ("own_persons", "persons_of__own_persons")


def persons_count() -> Any:
    """In a query of links: how many persons each pays for, its own list or the one it names (summed over the
    links in an aggregate: links sharing a list count it each). One of the two joins is always empty for a
    link, so neither multiplies the other's rows; not distinct, or the links sharing a list would count once."""
    return models.Count("covered") + models.Count("persons_of__covered")


class EntitlementPerson(models.Model):
    # No index of its own: the unique constraint below is led by the entitlement. No database constraints
    # (see Entitlement.household): checked by triggers.
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.CASCADE, related_name="covered", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entitlement", "person"], name="entitlement_person_once")]
        verbose_name = _("保障对象")
        verbose_name_plural = _("保障对象")

    def __str__(self) -> str:
        return f"EntitlementPerson {self.pk}"


# ───────────────────────────── history ─────────────────────────────


class Cause(models.TextChoices):
    """Why an entitlement began or changed: what the household ledger and the payroll's differences cite."""

    DECISION = "decision", _("审核确认")
    REVIEW = "review", _("动态管理复核")
    RECOMPUTE = "recompute", _("提标重新核定")
    FINDING = "finding", _("数据比对核实")
    DEATH = "death", _("死亡")
    ACCOUNT = "account", _("账户更正")
    CORRECTION = "correction", _("差错更正")


class EventKind(models.TextChoices):
    CREATED = "created", _("开始享受")
    AMOUNT = "amount", _("调整金额")
    SUSPENDED = "suspended", _("暂停发放")
    RESUMED = "resumed", _("恢复发放")
    STOPPED = "stopped", _("停止发放")
    GRADUAL_EXIT = "gradual_exit", _("进入渐退期")


class EntitlementEvent(models.Model):
    """One change of an entitlement's amount or status, with its cause and the month it takes effect. Together
    with the entitlement chain (Entitlement.previous) the amount due for any month is derivable."""

    # No index of its own: the index (entitlement, effective_month) is led by it. No database constraints
    # (see Entitlement.household): checked by triggers.
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.CASCADE, related_name="events", db_index=False, db_constraint=False
    )
    kind = models.CharField(_("变更"), max_length=15, choices=EventKind.choices)
    cause = models.CharField(_("原因类别"), max_length=12, choices=Cause.choices)
    effective_month = models.DateField(_("生效月份"))
    amount_before = models.DecimalField(_("调整前月额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_after = models.DecimalField(_("调整后月额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_on = models.DateField(_("登记日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["effective_month", "id"]
        indexes = [models.Index(fields=["entitlement", "effective_month"])]
        verbose_name = _("待遇变更记录")
        verbose_name_plural = _("待遇变更记录")

    def __str__(self) -> str:
        return f"{self.entitlement_id} {self.kind} {self.effective_month:%Y-%m}"


# ───────────────────────────── payroll ─────────────────────────────


class PayrollStatus(models.TextChoices):
    DRAFT = "draft", _("待复核")
    CHECKED = "checked", _("已复核")
    APPROVED = "approved", _("已审批")
    EXPORTED = "exported", _("已导出银行文件")
    RECONCILED = "reconciled", _("已对账")


class Payroll(models.Model):
    """The money of one month for a region (county or township), one programme or all ("" = all). A
    snapshot: later changes to entitlements become next month's adjustments, never edits of these lines."""

    month = models.DateField(_("发放月份"))
    program = models.CharField(_("救助项目"), max_length=30, blank=True)  # "": every programme
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=PayrollStatus.choices, default=PayrollStatus.DRAFT)
    line_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_fen = models.BigIntegerField(_("合计（分）"), default=0)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("生成人")
    )
    checked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("复核人"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("审批人"),
    )  # fmt: skip
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("对账时间"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "region_code", "program"]
        constraints = [
            # Generating twice, or from two processes at once, adds nothing: one payroll per month, scope, programme.
            models.UniqueConstraint(fields=["month", "region", "program"], name="payroll_once_per_scope"),
            models.CheckConstraint(condition=models.Q(total_fen__gte=0), name="payroll_total_not_negative"),
        ]
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code} {self.program or '*'}"


class LineKind(models.TextChoices):
    REGULAR = "regular", _("按月发放")
    BACKPAY = "backpay", _("补发")
    RECOVERY = "recovery", _("扣回")
    ONE_OFF = "one_off", _("一次性发放")
    INSURANCE = "insurance", _("资助参保")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("待发放")
    PAID = "paid", _("已发放")
    FAILED = "failed", _("发放失败")


class PayrollLine(models.Model):
    """One amount to one household for one month it covers (`service_month`): regular pay, back pay or a
    recovery (negative), or a one-off grant. Money in integer fen. The payee's account is copied at
    generation, so the bank file is what was approved."""

    # No index of their own: the composite indexes below lead with each of these columns, and a million lines
    # a month are written under every index the table has. No foreign-key constraint of the database either:
    # Django's are deferred, one check of each parent row per line at COMMIT (18 s of a million-line payroll
    # on PostgreSQL). The same guarantee is given set-based by core.refs's triggers (migration 0015; 0007 first):
    # the lines a statement writes are checked against their parents at once, a parent with lines cannot be
    # deleted. on_delete still applies in Django.
    payroll = models.ForeignKey(
        Payroll, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="payroll_lines", db_index=False, db_constraint=False
    )
    region_code = models.CharField(max_length=12, editable=False)
    program = models.CharField(_("救助项目"), max_length=30)
    entitlement = models.ForeignKey(
        Entitlement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("类别"), max_length=10, choices=LineKind.choices)
    service_month = models.DateField(_("所属月份"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # What a one-off line pays for ("case:123", "weiwen:2027"): never paid twice.
    source_key = models.CharField(max_length=40, blank=True)
    payee_name = models.CharField(_("收款人"), max_length=50, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    account_enc = models.TextField(blank=True, editable=False)
    account_masked = models.CharField(_("银行账号"), max_length=40, blank=True)
    status = models.CharField(_("发放状态"), max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["payroll", "region_code", "household_id", "service_month", "id"]
        constraints = [
            # The same entitlement's month is paid once; a line the bank returned may be paid again.
            models.UniqueConstraint(
                fields=["entitlement", "service_month"],
                condition=models.Q(kind="regular") & ~models.Q(status="failed"),
                name="regular_month_paid_once",
            ),
            # Led by the entitlement, it is also the index that finds an entitlement's lines (its months paid,
            # its back pay; the check before an entitlement is deleted): a query naming an entitlement
            # satisfies the condition. One index fewer for every line written than a separate one.
            models.UniqueConstraint(
                fields=["entitlement", "service_month", "kind", "payroll"],
                condition=models.Q(entitlement__isnull=False),
                name="line_once_per_payroll",
            ),
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=~models.Q(source_key="") & ~models.Q(status="failed"),
                name="one_off_paid_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="recovery") & models.Q(amount_fen__lt=0))
                | (~models.Q(kind="recovery") & models.Q(amount_fen__gt=0)),
                name="line_amount_sign_by_kind",
            ),
            # 10 million yuan: far above any one line, far below what an int64 or a bank file can carry.
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=-1_000_000_000) & models.Q(amount_fen__lt=1_000_000_000),
                name="line_amount_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "service_month"]),
            models.Index(fields=["payroll", "region_code"]),
        ]
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")

    def __str__(self) -> str:
        return f"{self.payroll_id} {self.household_id} {self.kind} {self.service_month:%Y-%m} {self.amount_fen}"


class AccountFlag(models.Model):
    """A household whose account the bank refused: its money waits until the clerk corrects the account,
    then the next payroll pays what was returned."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="account_flags")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    line = models.ForeignKey(PayrollLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("银行退回原因"), max_length=200)
    raised_at = models.DateTimeField(_("退回时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("更正时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账户待更正")
        verbose_name_plural = _("账户待更正")

    def __str__(self) -> str:
        return f"{self.household_id} {self.reason}"


class CollectionStatus(models.TextChoices):
    OPEN = "open", _("待追缴")
    COLLECTED = "collected", _("已追回")
    WAIVED = "waived", _("依规核销")


class Collection(models.Model):
    """An overpayment that could not be recovered from what the household still receives (追缴清单)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="collections")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    entitlement = models.ForeignKey(Entitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_month = models.DateField(_("起始月份"))
    last_month = models.DateField(_("截止月份"))
    amount_fen = models.BigIntegerField(_("待追缴金额（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=CollectionStatus.choices, default=CollectionStatus.OPEN)
    cause = models.CharField(_("原因类别"), max_length=12, choices=Cause.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The one-off line whose recovery this is ("jiage:202611:42", services.oneoff): put on the list once.
    source_key = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    payroll = models.ForeignKey(Payroll, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="collection_positive"),
            models.UniqueConstraint(
                fields=["source_key"], condition=~models.Q(source_key=""), name="collection_once_per_key"
            ),
        ]
        verbose_name = _("追缴")
        verbose_name_plural = _("追缴")

    def __str__(self) -> str:
        return f"{self.household_id} {self.amount_fen}"


class BankFile(models.Model):
    """A bank file written for an approved payroll: its layout, count, total and digest."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="bank_files")
    layout = models.CharField(_("文件格式"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200)
    line_count = models.PositiveIntegerField(_("笔数"))
    total_fen = models.BigIntegerField(_("合计（分）"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("银行代发文件")
        verbose_name_plural = _("银行代发文件")

    def __str__(self) -> str:
        return self.filename


class BankReturn(models.Model):
    """A return file from the bank, imported: how many lines it confirmed and how many failed."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="bank_returns")
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    paid = models.PositiveIntegerField(_("成功笔数"), default=0)
    failed = models.PositiveIntegerField(_("失败笔数"), default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["payroll", "sha256"], name="bank_return_once")]
        verbose_name = _("银行回盘文件")
        verbose_name_plural = _("银行回盘文件")

    def __str__(self) -> str:
        return self.filename


class PayrollJob(models.Model):
    """A long run started from the web page and done by a background worker (`jiuzhu db_worker`): a payroll
    generated, or a 提标 applied. The worker stores its progress (percent, stage) as it goes; the job page
    polls it. Both runs write in one transaction, so a job killed halfway leaves nothing and runs again."""

    class Kind(models.TextChoices):
        GENERATE = "generate", _("生成发放批次")
        RECOMPUTE = "recompute", _("提标重新核定")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("执行失败")

    kind = models.CharField(_("任务类别"), max_length=10, choices=Kind.choices, default=Kind.GENERATE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    month = models.DateField(_("发放月份"))
    program = models.CharField(_("救助项目"), max_length=30, blank=True)
    # The 提标 apply: the saved change's key and date.
    key = models.CharField(max_length=80, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True)
    message = models.CharField(max_length=300, blank=True)
    payroll = models.ForeignKey(Payroll, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What a finished 提标 apply reports (RecomputeResult.as_json): the page shows it as the apply did.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="payroll_job_percent_at_most_100")
        ]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"PayrollJob {self.pk} {self.kind} {self.status}"


class OneOffGrant(models.Model):
    """A one-off amount decided outside the payroll (a county-approved 临时救助 beyond what the township's
    reserve fund paid at once), waiting for the next payroll. `line` is the payroll line that pays it:
    empty while unpaid, and again when that payroll is discarded; a line the bank returned is paid again."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="one_off_grants")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    program = models.CharField(_("救助项目"), max_length=30)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    # What the grant pays for ("linshi:123" for case 123): recording it again adds nothing.
    source_key = models.CharField(max_length=40, unique=True)
    decided_on = models.DateField(_("决定日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    line = models.ForeignKey(PayrollLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="one_off_grant_positive")]
        verbose_name = _("一次性救助待发放")
        verbose_name_plural = _("一次性救助待发放")

    def __str__(self) -> str:
        return f"{self.source_key} {self.amount}"
