from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Area, Household, Person
from jiuzhu.registry.services import HOUSEHOLD_FIELDS, PERSON_FIELDS, PLAIN_PERSON_FIELDS, SECRET_PERSON_FIELDS


class HouseholdForm(forms.ModelForm):  # type: ignore[type-arg]
    phone = forms.CharField(label=_("联系电话"), required=False, help_text=_("留空则不修改"))
    bank_account = forms.CharField(label=_("银行账号"), required=False, help_text=_("留空则不修改"))

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class HouseholdCreateForm(HouseholdForm):
    """A new household and its head; further members are added on the household page."""

    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=Region.objects.none())
    head_name = forms.CharField(label=_("户主姓名"), max_length=50)
    head_id_number = forms.CharField(label=_("户主身份证号"), max_length=18)

    field_order = ["village", "head_name", "head_id_number", "area", "address", "phone", "bank_name", "bank_account"]

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}"  # type: ignore[attr-defined]
        if len(villages) == 1:  # a village clerk registers in their own village
            self.fields["village"].initial = villages[0].pk
        # 城乡类别 follows the village's 城乡分类代码 unless the clerk says otherwise.
        self.fields["area"].required = False
        self.fields["area"].help_text = _("空则按所在村（社区）的城乡分类")
        self.fields["area"].choices = [("", _("按所在村（社区）")), *Area.choices]  # type: ignore[attr-defined]
        self.fields["phone"].help_text = ""
        self.fields["bank_account"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        village = data.get("village")
        if not data.get("area") and isinstance(village, Region):
            data["area"] = Area.URBAN if village.is_urban else Area.RURAL
        return data


MONTHLY_MONEY_FIELDS = tuple(f for f in PLAIN_PERSON_FIELDS if f.startswith(("income_", "rigid_")))
GRADE_WORDS = [(1, _("一级")), (2, _("二级")), (3, _("三级")), (4, _("四级"))]


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    # Stored encrypted: asked for like the ID number, never shown in the form in clear.
    disability_cert = forms.CharField(label=_("残疾证号"), max_length=30, required=False)

    class Meta:
        model = Person
        fields = list(PLAIN_PERSON_FIELDS)
        widgets = {"date_of_death": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "id_number", *PERSON_FIELDS])
        # As the paper form asks: amounts per month in yuan, disability grades in words.
        for name in MONTHLY_MONEY_FIELDS:
            self.fields[name].label = _("%(l)s（元/月）") % {"l": self.fields[name].label}
        self.fields["disability_grade"].choices = [("", "—"), *GRADE_WORDS]  # type: ignore[attr-defined]
        self.fields["id_number"].required = creating
        if not creating:
            self.fields["id_number"].help_text = _("留空则不修改")
            masked = self.instance.disability_cert_masked
            self.fields["disability_cert"].help_text = (
                _("已登记 %(m)s，留空则不修改") % {"m": masked} if masked else _("留空则不修改")
            )

    def secret_changes(self) -> dict[str, str]:
        """The encrypted fields the user typed; a blank one keeps what is stored."""
        return {name: value for name in SECRET_PERSON_FIELDS if (value := self.cleaned_data.get(name))}
