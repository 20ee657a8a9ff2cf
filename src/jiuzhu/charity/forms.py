"""Thin forms: they parse input; every rule is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import User
from jiuzhu.charity import selectors
from jiuzhu.charity.models import CATEGORIES, Campaign, DonationKind, Donor, DonorKind, Need, NeedStatus, Purpose
from jiuzhu.registry.models import Household
from jiuzhu.registry.selectors import households_visible

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CATEGORY_CHOICES = [(p.value, p.label) for p in CATEGORIES]


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=_("捐赠人类别"), choices=DonorKind.choices)
    name = forms.CharField(label=_("捐赠人名称"), max_length=100)
    anonymous = forms.BooleanField(label=_("匿名捐赠（对外不显示名称）"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DonationForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("捐赠人"), queryset=Donor.objects.none(), required=False, empty_label=_("（未登记）")
    )
    kind = forms.ChoiceField(label=_("捐赠形式"), choices=DonationKind.choices)
    amount = forms.DecimalField(label=_("金额或折价（元）"), max_digits=12, decimal_places=2)
    goods_description = forms.CharField(label=_("物资名称及数量"), max_length=200, required=False)
    received_on = forms.DateField(label=_("捐赠日期"), widget=DATE)
    purpose = forms.ChoiceField(label=_("定向用途"), choices=Purpose.choices, initial=Purpose.GENERAL)
    campaign = forms.ModelChoiceField(
        label=_("募捐活动"), queryset=Campaign.objects.none(), required=False, empty_label=_("（无）")
    )
    need = forms.ModelChoiceField(
        label=_("定向需求"), queryset=Need.objects.none(), required=False, empty_label=_("（无）")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = selectors.donors_visible(user=user)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = selectors.campaigns_visible(user=user)  # type: ignore[attr-defined]
        self.fields["need"].queryset = selectors.needs_visible(user=user).filter(  # type: ignore[attr-defined]
            status=NeedStatus.OPEN
        )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    purpose = forms.ChoiceField(label=_("善款用途"), choices=Purpose.choices, initial=Purpose.GENERAL)
    goal = forms.DecimalField(label=_("募集目标（元）"), max_digits=12, decimal_places=2, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    description = forms.CharField(label=_("活动说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HouseholdField(forms.CharField):
    """A household picked from the registry by its number, within the user's scope."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("受助家庭（户编号）"))
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.user: User | None = None

    def clean(self, value: Any) -> Household:
        number = str(super().clean(value)).strip()
        household = households_visible(user=self.user).filter(number=number).first() if self.user else None
        if household is None:
            raise forms.ValidationError(_("在您的辖区内找不到户编号为 %(n)s 的家庭") % {"n": number})
        return household


class NeedForm(forms.Form):
    household = HouseholdField()
    title = forms.CharField(label=_("需求标题"), max_length=100)
    purpose = forms.ChoiceField(label=_("类别"), choices=CATEGORY_CHOICES)
    target = forms.DecimalField(label=_("目标金额（元）"), max_digits=12, decimal_places=2)
    description = forms.CharField(
        label=_("需求说明（公开，不写姓名、身份证号、电话、住址）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].user = user  # type: ignore[attr-defined]


class DisbursementForm(forms.Form):
    household = HouseholdField()
    category = forms.ChoiceField(label=_("救助类别"), choices=CATEGORY_CHOICES)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2)
    need = forms.ModelChoiceField(
        label=_("从定向需求专项资金支出"), queryset=Need.objects.none(), required=False, empty_label=_("（否）")
    )
    from_general = forms.BooleanField(label=_("从非定向资金支出（否则从该类别的定向资金支出）"), required=False)
    reason = forms.CharField(label=_("救助事由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].user = user  # type: ignore[attr-defined]
        self.fields["need"].queryset = selectors.needs_visible(user=user)  # type: ignore[attr-defined]


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("不予批准理由"), max_length=300)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    note = forms.CharField(label=_("发放说明"), max_length=200, required=False)
