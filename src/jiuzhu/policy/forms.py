from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.policy.parameters import parameter_choices
from jiuzhu.policy.rules import ParameterError
from jiuzhu.policy.selectors import ProposedValue, proposed_value


class ParameterAddForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"))
    value = forms.CharField(label=_("新取值"), max_length=40)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("依据文件（文号）"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = parameter_choices()  # type: ignore[attr-defined]


class ImpactForm(forms.Form):
    """The query of the impact page (GET). With a value: a proposal tested against the saved parameters;
    without: the saved change of `date` against the day before."""

    key = forms.ChoiceField(label=_("参数"), required=False)
    value = forms.CharField(label=_("拟调整取值"), max_length=40, required=False)
    effective_from = forms.DateField(
        label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date = forms.DateField(
        label=_("已保存调整的生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = parameter_choices()  # type: ignore[attr-defined]
        self.proposal: ProposedValue | None = None

    @property
    def proposing(self) -> bool:
        """The value box was sent, even empty: the 测算 button of the add form always sends it."""
        return "value" in self.data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.proposing:
            return data
        key, value, effective_from = data.get("key"), (data.get("value") or "").strip(), data.get("effective_from")
        if not key and "key" not in self.errors:
            self.add_error("key", _("请选择参数"))
        if not value and "value" not in self.errors:
            self.add_error("value", _("请填写拟调整的取值"))
        if effective_from is None and "effective_from" not in self.errors:
            self.add_error("effective_from", _("请填写生效日期"))
        if key and value and effective_from is not None:
            try:
                self.proposal = proposed_value(key=key, value=value, effective_from=effective_from)
            except ParameterError as exc:
                self.add_error("value", str(exc))
        return data
