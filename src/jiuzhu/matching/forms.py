"""Thin forms: they parse input; every rule is in services. The mapping form is derived from the kind's
declared fields (kinds.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiuzhu.matching.kinds import Kind, fields_of
from jiuzhu.matching.rules import RULES
from jiuzhu.matching.workflow import ACTION_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类别"), choices=Kind.choices)
    source = forms.CharField(label=_("来源单位"), max_length=100, help_text=_("如：县公安局、县殡仪馆、县残联"))
    received_on = forms.DateField(label=_("接收日期"), widget=DATE)
    file = forms.FileField(label=_("文件（xlsx 或 CSV，UTF-8/GBK）"))


class MappingForm(forms.Form):
    """One select per field of the kind, offering the file's headers."""

    def __init__(self, *args: Any, kind: str, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((h, h) for h in headers)]
        for f in fields_of(kind):
            label = gettext(f.label) + (" *" if f.required else "")
            self.fields[f.name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class StepForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RectifyForm(forms.Form):
    action = forms.ChoiceField(label=_("整改措施"), choices=())
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}))
    death_date = forms.DateField(label=_("死亡日期（登记死亡时）"), widget=DATE, required=False)

    def __init__(self, *args: Any, rule: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = (*RULES[rule].actions, "correct") if rule in RULES else tuple(ACTION_LABELS)
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in dict.fromkeys(allowed)]  # type: ignore[attr-defined]


class RunForm(forms.Form):
    rules = forms.MultipleChoiceField(
        label=_("比对规则（不选则全部运行）"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rules"].choices = [(c, gettext(r.name)) for c, r in RULES.items()]  # type: ignore[attr-defined]
