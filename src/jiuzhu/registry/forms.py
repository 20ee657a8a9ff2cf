from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.services import HOUSEHOLD_FIELDS, PERSON_FIELDS


class HouseholdForm(forms.ModelForm):  # type: ignore[type-arg]
    phone = forms.CharField(label=_("联系电话"), required=False, help_text=_("留空则不修改"))
    bank_account = forms.CharField(label=_("银行账号"), required=False, help_text=_("留空则不修改"))

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"date_of_death": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = creating
        if not creating:
            self.fields["id_number"].help_text = _("留空则不修改")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("查找"))
    region = forms.CharField(required=False, label=_("村（社区）"))
