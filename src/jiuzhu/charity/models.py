"""Charity (慈善救助): donors, donations, campaigns, funds with their ledger, needs and disbursements.

Money is Decimal yuan in the database. A fund's balance is one row per purpose (plus one per need, for money
designated to a family); every change to it is a ledger entry written under a row lock on the fund, and both the
balance and each entry's running balance are held at or above zero by CHECK constraints, so that no code path,
concurrent or not, can spend money the fund does not hold.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jiuzhu.registry.models import Household

_ZERO = Decimal("0.00")


def _money(label: StrOrPromise) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=_ZERO)


def _user_fk(label: StrOrPromise, *, null: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=null,
        on_delete=models.SET_NULL if null else models.PROTECT,
        related_name="+",
        verbose_name=label,
    )


class Purpose(models.TextChoices):
    """What money is for. GENERAL is undesignated money, which any category may draw on; the others are both
    the designations a donor may choose and the categories of a disbursement."""

    GENERAL = "general", _("非定向")
    EDUCATION = "education", _("助学")
    MEDICAL = "medical", _("助医")
    ELDERLY = "elderly", _("助老")
    DISABILITY = "disability", _("助残")
    ORPHAN = "orphan", _("助孤")
    DISASTER = "disaster", _("救灾")
    HARDSHIP = "hardship", _("临时困难")


# The categories of a disbursement and of a need: every purpose but "general".
CATEGORIES: tuple[Purpose, ...] = tuple(p for p in Purpose if p is not Purpose.GENERAL)


class DonorKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")


class Donor(models.Model):
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("捐赠人类别"), max_length=15, choices=DonorKind.choices, default=DonorKind.PERSON)
    name = models.CharField(_("捐赠人名称"), max_length=100)
    # An anonymous donor is named nowhere outside the charity office, not even on the receipt list it sees.
    anonymous = models.BooleanField(_("匿名捐赠"), default=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("捐赠人")
        verbose_name_plural = _("捐赠人")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A fund-raising drive such as the charity day (慈善一日捐): a goal, dates, and the donations made to it."""

    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    name = models.CharField(_("活动名称"), max_length=100)
    purpose = models.CharField(_("善款用途"), max_length=15, choices=Purpose.choices, default=Purpose.GENERAL)
    goal = _money(_("募集目标（元）"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("活动说明"), blank=True)
    created_by = _user_fk(_("登记人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(goal__gte=0), name="campaign_goal_not_negative"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"),
        ]
        verbose_name = _("募捐活动")
        verbose_name_plural = _("募捐活动")

    def __str__(self) -> str:
        return self.name


class NeedStatus(models.TextChoices):
    OPEN = "open", _("募集中")
    MET = "met", _("已筹满")
    CLOSED = "closed", _("已关闭")


class Need(models.Model):
    """A family's need posted for donors (微心愿/爱心众筹): what for and how much, never who in full."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="charity_needs")
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    title = models.CharField(_("需求标题"), max_length=100)
    purpose = models.CharField(_("类别"), max_length=15, choices=Purpose.choices)
    # Shown to the public: the form and the service refuse ID numbers and phone numbers in it.
    description = models.TextField(_("需求说明"), blank=True)
    target = _money(_("目标金额（元）"))
    status = models.CharField(_("状态"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    posted_by = _user_fk(_("发布人"))
    posted_on = models.DateField(_("发布日期"))
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gt=0), name="need_target_positive"),
            models.CheckConstraint(condition=~models.Q(purpose="general"), name="need_has_category"),
        ]
        verbose_name = _("求助需求")
        verbose_name_plural = _("求助需求")

    def __str__(self) -> str:
        return self.title


class Fund(models.Model):
    """The money held for one purpose in one county, or for one need. The balance changes only through
    charity.services.ledger, under a row lock, with a ledger entry per change."""

    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    purpose = models.CharField(_("用途"), max_length=15, choices=Purpose.choices)
    need = models.OneToOneField(Need, null=True, blank=True, on_delete=models.PROTECT, related_name="fund")
    balance = _money(_("余额（元）"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "need_id", "purpose"]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="fund_balance_not_negative"),
            models.UniqueConstraint(
                fields=["region_code", "purpose"], condition=models.Q(need__isnull=True), name="fund_once_per_purpose"
            ),
        ]
        verbose_name = _("慈善资金")
        verbose_name_plural = _("慈善资金")

    def __str__(self) -> str:
        return f"{self.region_code} {self.purpose} {self.need_id or ''}".strip()


class DonationKind(models.TextChoices):
    MONEY = "money", _("资金")
    GOODS = "goods", _("物资")


class Donation(models.Model):
    """Money or goods received, with its receipt number. Money is credited to a fund (its designation's);
    goods are recorded at their valued amount and handed out in kind, outside the funds."""

    receipt_number = models.CharField(_("收据编号"), max_length=20, unique=True, editable=False)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="donations", verbose_name=_("捐赠人")
    )
    kind = models.CharField(_("捐赠形式"), max_length=10, choices=DonationKind.choices, default=DonationKind.MONEY)
    amount = _money(_("金额或折价（元）"))
    goods_description = models.CharField(_("物资名称及数量"), max_length=200, blank=True)
    received_on = models.DateField(_("捐赠日期"))
    purpose = models.CharField(_("定向用途"), max_length=15, choices=Purpose.choices, default=Purpose.GENERAL)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="donations", verbose_name=_("募捐活动")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.PROTECT, related_name="donations", verbose_name=_("定向需求")
    )
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="donations")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = _user_fk(_("登记人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="donation_amount_positive"),
            # Money always lands in a fund; goods never do.
            models.CheckConstraint(
                condition=(models.Q(kind="money") & models.Q(fund__isnull=False))
                | (models.Q(kind="goods") & models.Q(fund__isnull=True) & ~models.Q(goods_description="")),
                name="donation_money_in_fund_goods_described",
            ),
        ]
        indexes = [models.Index(fields=["region_code", "received_on"])]
        verbose_name = _("捐赠")
        verbose_name_plural = _("捐赠")

    def __str__(self) -> str:
        return self.receipt_number


class DisbursementStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准待发放")
    PAID = "paid", _("已发放")
    REFUSED = "refused", _("不予批准")


class Disbursement(models.Model):
    """Money paid out of a fund to a registry household: proposed by the charity office, approved by the county
    (another person), then paid. The money leaves the fund at approval, so that what is approved is covered."""

    number = models.CharField(_("支出编号"), max_length=20, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="charity_disbursements")
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    # The head's name when proposed: what was approved stays what is shown, whatever the registry does later.
    recipient_name = models.CharField(_("受助人"), max_length=50)
    category = models.CharField(_("救助类别"), max_length=15, choices=Purpose.choices)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("支出资金"))
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("对应需求")
    )
    amount = _money(_("金额（元）"))
    reason = models.TextField(_("救助事由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DisbursementStatus.choices, default=DisbursementStatus.PROPOSED
    )
    proposed_by = _user_fk(_("提出人"))
    proposed_on = models.DateField(_("提出日期"))
    decided_by = _user_fk(_("审批人"))
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    refusal_reason = models.CharField(_("不予批准理由"), max_length=300, blank=True)
    paid_by = _user_fk(_("发放人"))
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    payment_note = models.CharField(_("发放说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(condition=~models.Q(category="general"), name="disbursement_has_category"),
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(decided_on__isnull=False),
                name="disbursement_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_on__isnull=False), name="disbursement_paid_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "region_code"])]
        verbose_name = _("慈善支出")
        verbose_name_plural = _("慈善支出")

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    DONATION = "donation", _("捐赠收入")
    DISBURSEMENT = "disbursement", _("救助支出")


class FundEntry(models.Model):
    """One change to a fund's balance, with the balance after it: the ledger the public account is read from."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    # Copied from the fund, so the public account groups the ledger without a join.
    purpose = models.CharField(_("用途"), max_length=15, choices=Purpose.choices)
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=15, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("余额（元）"), max_digits=12, decimal_places=2)
    donation = models.OneToOneField(Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="entry")
    disbursement = models.OneToOneField(
        Disbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    created_by = _user_fk(_("经办人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="fund_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=(models.Q(kind="donation") & models.Q(amount__gt=0) & models.Q(donation__isnull=False))
                | (models.Q(kind="disbursement") & models.Q(amount__lt=0) & models.Q(disbursement__isnull=False)),
                name="fund_entry_sign_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["region_code", "on"])]
        verbose_name = _("资金明细")
        verbose_name_plural = _("资金明细")

    def __str__(self) -> str:
        return f"{self.fund_id} {self.on} {self.amount}"


class Counter(models.Model):
    """The last number given out in a series ("receipt:330727:2026"): taken under a row lock, so two receipts
    written at once never share a number."""

    key = models.CharField(max_length=40, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
