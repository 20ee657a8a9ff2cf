from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.monitoring.models import MeasureKind, RiskFactor


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("帮扶措施"), choices=MeasureKind.choices)
    taken_on = forms.DateField(label=_("实施日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(
        label=_("措施内容"), max_length=300, widget=forms.TextInput(attrs={"placeholder": _("措施内容"), "size": 40})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["taken_on"].initial = timezone.localdate()


class ReassessForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=_("风险因素"), choices=RiskFactor.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class EliminateForm(forms.Form):
    reasons = forms.CharField(
        label=_("风险消除理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("例如：收入已稳定超过监测收入线，帮扶措施已见效"),
    )  # fmt: skip
