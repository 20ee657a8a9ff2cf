"""Monthly statistics snapshots per region × programme, and the county's annual targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The programme code of the "every programme" rows: households and persons counted once however many
# programmes pay them.
ALL_PROGRAMS = ""


class Snapshot(models.Model):
    """The statistics of one month for one region (village, township, county, city, province) and one
    programme, built from the approved payrolls of that month (the money they paid, by line kind, whatever
    month it covers) and the registry. Rebuilding a month replaces its rows."""

    month = models.DateField(_("统计月份"))
    region_code = models.CharField(_("区划代码"), max_length=12)
    level = models.PositiveSmallIntegerField(_("级别"))
    program = models.CharField(_("救助项目"), max_length=30, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0)
    persons = models.PositiveIntegerField(_("人数"), default=0)
    male = models.PositiveIntegerField(_("男"), default=0)
    female = models.PositiveIntegerField(_("女"), default=0)
    age_child = models.PositiveIntegerField(_("未满18周岁"), default=0)
    age_working = models.PositiveIntegerField(_("18至59周岁"), default=0)
    age_elderly = models.PositiveIntegerField(_("60周岁及以上"), default=0)
    disabled = models.PositiveIntegerField(_("残疾人"), default=0)
    urban = models.PositiveIntegerField(_("城镇人数"), default=0)
    rural = models.PositiveIntegerField(_("农村人数"), default=0)
    regular_fen = models.BigIntegerField(_("按月发放（分）"), default=0)
    backpay_fen = models.BigIntegerField(_("补发（分）"), default=0)
    recovery_fen = models.BigIntegerField(_("扣回（分）"), default=0)
    one_off_fen = models.BigIntegerField(_("一次性发放（分）"), default=0)
    insurance_fen = models.BigIntegerField(_("资助参保（分）"), default=0)
    total_fen = models.BigIntegerField(_("合计（分）"), default=0)
    new = models.PositiveIntegerField(_("新增"), default=0)
    stopped = models.PositiveIntegerField(_("停止"), default=0)
    adjusted = models.PositiveIntegerField(_("调整"), default=0)
    # Registered (living) persons of the region: the denominator of the coverage ratio.
    population = models.PositiveIntegerField(_("户籍人口"), default=0)
    built_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["month", "region_code", "program"]
        constraints = [
            models.UniqueConstraint(fields=["month", "region_code", "program"], name="snapshot_once"),
        ]
        indexes = [
            models.Index(fields=["region_code", "program", "month"]),
            models.Index(fields=["month", "level", "program"]),
        ]
        verbose_name = _("月度统计快照")
        verbose_name_plural = _("月度统计快照")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code} {self.program or '*'}"


class Target(models.Model):
    """An annual target of a programme in a region: persons covered and/or money paid (目标任务)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    program = models.CharField(_("救助项目"), max_length=30)
    persons = models.PositiveIntegerField(_("目标保障人数"), null=True, blank=True)
    money = models.DecimalField(_("目标发放资金（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "region_code", "program"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region_code", "program"], name="target_once"),
            models.CheckConstraint(
                condition=models.Q(money__gte=0) | models.Q(money__isnull=True), name="target_money_ok"
            ),
            models.CheckConstraint(
                condition=models.Q(persons__isnull=False) | models.Q(money__isnull=False), name="target_not_empty"
            ),
        ]
        verbose_name = _("年度目标任务")
        verbose_name_plural = _("年度目标任务")

    def __str__(self) -> str:
        return f"{self.year} {self.region_code} {self.program}"
