from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.reports.figures import CATEGORIES


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    region = forms.ChoiceField(label=_("区划"))
    program = forms.ChoiceField(label=_("统计类别"))
    persons = forms.IntegerField(label=_("目标保障人数"), min_value=0, max_value=100_000_000, required=False)
    money = forms.DecimalField(
        label=_("目标发放资金（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("依据"), max_length=200, required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ChoiceField(label=_("区划"), choices=regions)
        self.fields["program"] = forms.ChoiceField(
            label=_("统计类别"), choices=[(c.key, _(c.label)) for c in CATEGORIES]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("persons") is None and data.get("money") is None:
            raise forms.ValidationError(_("请至少填写目标人数或目标资金之一"))
        return data
