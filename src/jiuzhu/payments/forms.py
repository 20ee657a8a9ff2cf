from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import prefix_q
from jiuzhu.policy.programs import program_name
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, PROGRAMS_BY_CODE
from jiuzhu.regions.models import Level, Region


class PayrollGenerateForm(forms.Form):
    month = forms.DateField(
        label=_("发放月份"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )
    region = forms.ModelChoiceField(label=_("区划"), queryset=Region.objects.none())
    program = forms.ChoiceField(label=_("救助项目"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = user.scope_prefix or "-"
        # A payroll covers the user's county or one of its townships; an officer bound lower sees its own.
        region_field: Any = self.fields["region"]
        region_field.queryset = Region.objects.filter(
            prefix_q(prefix, "code"), level__in=[Level.COUNTY, Level.TOWNSHIP]
        ).order_by("code")
        if user.region is not None:
            region_field.initial = user.region.pk
        program_field: Any = self.fields["program"]
        program_field.choices = [("", _("全部项目"))] + [
            (code, program_name(code)) for code in MONTHLY_PROGRAMS if code in PROGRAMS_BY_CODE
        ]
        self.fields["month"].initial = dt.date.today().strftime("%Y-%m")
