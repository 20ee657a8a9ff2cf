from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.regions.models import Region


class Parameter(models.Model):
    """One dated value of a rule parameter for a region and everything below it ([57]: amounts, multiples
    and limits are set locally). Rows are never edited: a new standard (提标) is a new row from its date,
    so any past month can be recomputed with the numbers then in force."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="parameters", verbose_name=_("区划"))
    key = models.CharField(_("参数"), max_length=60, db_index=True)
    # Text, because one column holds amounts, ratios and the rounding rule; services.py checks it.
    value = models.CharField(_("取值"), max_length=40)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据文件"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-effective_from"]
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(fields=["region", "key", "effective_from"], name="policy_parameter_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.effective_from})"


class StoredEvaluation(models.Model):
    """One household's evaluation by the engine (every monthly programme, with its explanation lines), kept so
    that its page does not run the engine on every visit. It is valid only for `date` and for the exact input
    it was computed from: `inputs` is a digest of the household's and its members' rows as the engine reads
    them, the parameter rows of its region and the rules' code, so a change made by any path (a form, an
    import, a case, a new standard, a new release) makes it stale, and a stale row is recomputed, never shown."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("家庭")
    )
    date = models.DateField(_("测算日期"))
    inputs = models.CharField(_("输入摘要"), max_length=64)
    # {"per_capita": fen, "class": …, "programs": {code: {"eligible", "monthly" (fen), "persons", "explain"}}},
    # the explanation lines as marked messages (core/messages.py), shown in each reader's language
    result = models.JSONField(_("测算结果"))
    computed_at = models.DateTimeField(_("测算时间"), auto_now=True)

    class Meta:
        verbose_name = _("资格测算结果")
        verbose_name_plural = _("资格测算结果")

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.date}"
