from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Entitlement(models.Model):
    """A household's (or person's) right to a monthly payment of one programme, what payroll pays from.

    Months are stored as their first day. `end_month` is the last month paid; empty while open-ended."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="entitlements", verbose_name=_("家庭")
    )
    # Denormalised for the scope filter, as on Household.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    program = models.CharField(_("救助项目"), max_length=30, db_index=True)
    persons: models.ManyToManyField[Person, EntitlementPerson] = models.ManyToManyField(
        Person, through="EntitlementPerson", related_name="entitlements", verbose_name=_("保障对象")
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
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next", verbose_name=_("调整前")
    )
    reason = models.CharField(_("变更原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-start_month", "-id"]
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


class EntitlementPerson(models.Model):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="covered")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entitlement", "person"], name="entitlement_person_once")]
        verbose_name = _("保障对象")
        verbose_name_plural = _("保障对象")

    def __str__(self) -> str:
        return f"EntitlementPerson {self.pk}"
