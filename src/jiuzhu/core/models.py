from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


@cache
def _labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    """A field's choices as {value: label}, labels still lazy (translated when shown, in the user's language)."""
    return dict(make_hashable(field.flatchoices))


class ChoiceLabels(models.Model):
    """`get_FOO_display()` without rebuilding the choices each call: Django's own makes a dict of every choice,
    hashing each lazy label (a gettext per choice) on every call; a list of 25 persons paid ~50 of them per
    row. The labels are read once per field and translated when shown, so the language still follows the
    request. An abstract base for the models whose labels the lists show."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看完整信息")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED = "locked", _("账户锁定")


class HolidayOverride(models.Model):
    """A day the county declares different from the shipped State Council schedule (core.workdays reads it).
    The table keeps the name it had when it lived in the cases app."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "cases_holidayoverride"
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log. Never updated, never deleted:
    `jiuzhu audit verify` recomputes the chain and names the first entry that does not fit."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """The chain's tip, one row, locked while an entry is appended so that entries never fork."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq}"


class Counter(models.Model):
    """The last serial handed out for one kind of number in one series (e.g. case numbers of one township in one
    year). Taken with a row lock by `core.counters.counter_next`, so parallel requests get distinct numbers."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="core_counter_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}={self.value}"


class KeyRotation(models.Model):
    """How far `jiuzhu keys rotate` has re-encrypted one table for one key: the batch that re-encrypts rows
    moves `last_pk` in the same transaction, so a rotation killed at any moment resumes where it stood."""

    key_id = models.PositiveIntegerField()
    table = models.CharField(max_length=100)  # the model's label, "registry.Person"
    last_pk = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)  # rows in the table when the pass began
    scanned = models.BigIntegerField(default=0)
    rewritten = models.BigIntegerField(default=0)
    passes = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key_id", "table"], name="core_keyrotation_key_table")]

    def __str__(self) -> str:
        return f"key {self.key_id} {self.table} @{self.last_pk}"
