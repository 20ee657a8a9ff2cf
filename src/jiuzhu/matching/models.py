"""External data sets (their rows live in Parquet files under the data dir), the column mapping of each source,
the runs of the anomaly rules, and the findings ledger (疑似问题台账) they feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.matching.kinds import Kind
from jiuzhu.registry.models import Household, Person


class DataSet(models.Model):
    """One file received from another department: what it is, from whom, when, and where its rows are."""

    kind = models.CharField(_("数据类别"), max_length=20, choices=Kind.choices, db_index=True)
    source = models.CharField(_("来源单位"), max_length=100)
    received_on = models.DateField(_("接收日期"))
    filename = models.CharField(_("文件名"), max_length=255)
    # sha256 of the file's bytes: the same file twice is refused.
    file_hash = models.CharField(_("文件摘要"), max_length=64, unique=True)
    row_count = models.PositiveIntegerField(_("有效行数"), default=0)
    bad_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    encoding = models.CharField(_("编码"), max_length=12, blank=True)
    mapping = models.JSONField(_("列对应关系"), default=dict)
    parquet_path = models.CharField(max_length=255, editable=False)  # relative to the data dir
    report_path = models.CharField(max_length=255, blank=True, editable=False)  # bad rows, relative to the data dir
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("导入人")
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("外部数据集")
        verbose_name_plural = _("外部数据集")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source} {self.received_on}"


class ColumnMapping(models.Model):
    """How one source's files name the fields of a kind: set on the first upload, reused after."""

    source = models.CharField(_("来源单位"), max_length=100)
    kind = models.CharField(_("数据类别"), max_length=20, choices=Kind.choices)
    mapping = models.JSONField(_("列对应关系"), default=dict)  # field name → header
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="mapping_once_per_source_kind")]
        verbose_name = _("列对应关系")
        verbose_name_plural = _("列对应关系")

    def __str__(self) -> str:
        return f"{self.source} {self.kind}"


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class FindingStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFYING = "verifying", _("核实中")
    CONFIRMED = "confirmed", _("属实")
    UNFOUNDED = "unfounded", _("不属实")
    RECTIFIED = "rectified", _("已整改")


OPEN_STATUSES = (FindingStatus.PENDING, FindingStatus.VERIFYING, FindingStatus.CONFIRMED)


class Run(models.Model):
    """One run of the rules, from the web (a background job) or the command line."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("比对中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    rules = models.JSONField(_("规则"), default=list)  # empty: every rule
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("步骤"), max_length=60, blank=True)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    summary = models.JSONField(_("结果"), default=dict)  # rule → {"found": n, "new": n}
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("比对任务")
        verbose_name_plural = _("比对任务")

    def __str__(self) -> str:
        return f"Run {self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Finding(models.Model):
    """One suspected problem (疑似问题), worked by the township from 待核实 to 属实/不属实 and 已整改."""

    rule = models.CharField(_("比对规则"), max_length=40, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="findings", verbose_name=_("家庭")
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="findings", verbose_name=_("人员")
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    summary = models.CharField(_("问题摘要"), max_length=300)
    evidence = models.JSONField(_("证据"), default=dict)
    # sha256 of the rule and the evidence that identifies the problem: a finding judged 不属实 is not raised
    # again for the same evidence, and a re-run adds nothing while one is open.
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.PENDING, db_index=True
    )
    deadline = models.DateField(_("核实期限"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("经办人"),
    )
    conclusion = models.TextField(_("核实结论"), blank=True)
    action = models.CharField(_("整改措施"), max_length=30, blank=True)
    action_note = models.CharField(_("整改说明"), max_length=300, blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    closed_at = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["region_code", "status"]), models.Index(fields=["rule", "status"])]
        verbose_name = _("疑似问题")
        verbose_name_plural = _("疑似问题台账")

    def __str__(self) -> str:
        return f"Finding {self.pk} {self.rule}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class FindingStep(models.Model):
    """One step of a finding's handling, as its page lists them (the audit log keeps the same, chained)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    status_before = models.CharField(max_length=10, choices=FindingStatus.choices)
    status_after = models.CharField(max_length=10, choices=FindingStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action}"


class CheckEvidence(models.Model):
    """What the external registers said about a household when its economic check (核对) was recorded: kept
    with the check as its evidence, so the case shows what the decision rested on even after newer lists."""

    economic_check = models.OneToOneField(
        "cases.EconomicCheck", on_delete=models.CASCADE, related_name="register_evidence"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    matches = models.JSONField(_("比对结果"), default=list)
    datasets = models.JSONField(_("比对的数据集"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核对证据")
        verbose_name_plural = _("核对证据")

    def __str__(self) -> str:
        return f"CheckEvidence {self.pk}"
