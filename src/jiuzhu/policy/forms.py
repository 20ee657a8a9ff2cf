from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.policy.rules import PARAMETER_SPECS


class ParameterAddForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"))
    value = forms.CharField(label=_("新取值"), max_length=40)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("依据文件（文号）"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, f"{s.label}（{k}）") for k, s in PARAMETER_SPECS.items()]  # type: ignore[attr-defined]
