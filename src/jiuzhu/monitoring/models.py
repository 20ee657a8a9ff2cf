"""Monitored households (监测对象), their assessments (风险评估), measures (帮扶措施) and the scan jobs.

The warning level and category on a MonitoredHousehold are the latest assessment's; every change of them
is an Assessment row, so the history (and any month's counts) is read from the assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.registry.models import Household


class Category(models.TextChoices):
    """Why the household is monitored, most protected first: one household has one category."""

    TEKUN = "tekun", _("特困人员")
    DIBAO = "dibao", _("低保对象")
    POVERTY = "poverty", _("防返贫监测对象")
    EDGE = "edge", _("低保边缘家庭")
    RIGID = "rigid", _("刚性支出困难家庭")
    LOW_INCOME = "low_income", _("其他低收入家庭")


class Level(models.TextChoices):
    """Warning levels (预警等级) of the seed's 第8篇: I red, II yellow, III blue; "none" when no level applies
    or the risk is marked eliminated."""

    RED = "red", _("Ⅰ级红色预警")
    YELLOW = "yellow", _("Ⅱ级黄色预警")
    BLUE = "blue", _("Ⅲ级蓝色预警")
    NONE = "none", _("无预警")


class RiskFactor(models.TextChoices):
    """返贫（致贫）风险因素. Illness, disability and schooling are also read from the registry."""

    ILLNESS = "illness", _("因病")
    SCHOOLING = "schooling", _("因学")
    DISABILITY = "disability", _("因残")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("因意外事故")
    BUSINESS = "business", _("因产业失败")
    EMPLOYMENT = "employment", _("因就业不稳定")
    JOB_LOSS = "job_loss", _("因失业")
    INCOME_DROP = "income_drop", _("收入大幅缩减")


class Status(models.TextChoices):
    MONITORING = "monitoring", _("监测中")
    ELIMINATED = "eliminated", _("风险已消除")


class AssessmentKind(models.TextChoices):
    ENROL = "enrol", _("纳入监测")
    SCHEDULED = "scheduled", _("定期评估")
    CHANGE = "change", _("信息变更重算")
    REASSESS = "reassess", _("入户评估")
    ELIMINATE = "eliminate", _("风险消除评估")


class MeasureKind(models.TextChoices):
    """帮扶措施 of the seed's 第8篇."""

    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")
    PROTECTION = "protection", _("综合保障（社会保障）")
    ENCOURAGEMENT = "encouragement", _("扶志扶智")
    SOCIAL = "social", _("社会帮扶")


class MonitoredHousehold(models.Model):
    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, related_name="monitoring", verbose_name=_("家庭")
    )
    # Denormalised from the household, as everywhere: the scope filter is a range scan.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    category = models.CharField(_("监测类别"), max_length=12, choices=Category.choices)
    in_poverty_register = models.BooleanField(_("在防返贫监测名单中"), default=False)
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices, default=Level.NONE, db_index=True)
    level_since = models.DateField(_("预警等级起始日期"))
    # Factors a caseworker recorded (comma-separated RiskFactor codes); those the registry shows are added on
    # every computation and not stored here.
    recorded_factors = models.CharField(_("登记的风险因素"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.MONITORING)
    enrolled_on = models.DateField(_("纳入监测日期"))
    next_assessment = models.DateField(_("下次评估日期"), db_index=True)
    eliminated_on = models.DateField(_("风险消除日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="monitoring") | models.Q(eliminated_on__isnull=False),
                name="monitoring_eliminated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"MonitoredHousehold {self.household_id}"

    @property
    def factor_codes(self) -> list[str]:
        return [c for c in self.recorded_factors.split(",") if c]


class Assessment(models.Model):
    monitored = models.ForeignKey(
        MonitoredHousehold, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("监测对象")
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("评估类型"), max_length=10, choices=AssessmentKind.choices)
    category = models.CharField(_("监测类别"), max_length=12, choices=Category.choices)
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    factors = models.CharField(_("风险因素"), max_length=200, blank=True)
    # The rules' explanation lines, one per line, as the caseworker read them.
    reasons = models.TextField(_("依据"), blank=True)
    note = models.TextField(_("评估意见"), blank=True)
    assessed_on = models.DateField(_("评估日期"), db_index=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("评估人"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")

    def __str__(self) -> str:
        return f"Assessment {self.pk}"

    @property
    def reason_lines(self) -> list[str]:
        return [line for line in self.reasons.splitlines() if line]

    @property
    def factor_codes(self) -> list[str]:
        return [c for c in self.factors.split(",") if c]


class Measure(models.Model):
    monitored = models.ForeignKey(
        MonitoredHousehold, on_delete=models.CASCADE, related_name="measures", verbose_name=_("监测对象")
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("帮扶措施"), max_length=15, choices=MeasureKind.choices)
    taken_on = models.DateField(_("实施日期"))
    description = models.CharField(_("措施内容"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")

    def __str__(self) -> str:
        return f"Measure {self.pk}"


class ScanJob(models.Model):
    """A scan started from the web page, run in the background by monitoring.tasks."""

    class JobStatus(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("筛查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    on = models.DateField(_("筛查日期"))
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(_("步骤"), max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    households = models.PositiveIntegerField(_("筛查户数"), default=0)
    enrolled = models.PositiveIntegerField(_("新纳入"), default=0)
    changed = models.PositiveIntegerField(_("等级变化"), default=0)
    assessed = models.PositiveIntegerField(_("定期评估"), default=0)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("监测筛查任务")
        verbose_name_plural = _("监测筛查任务")

    def __str__(self) -> str:
        return f"ScanJob {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.JobStatus.DONE, self.JobStatus.FAILED)
