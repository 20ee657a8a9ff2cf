"""Thin forms: they parse input; every rule is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from jiuzhu.cases import checklists, engine, selectors
from jiuzhu.cases.models import (
    ADL_ACTIVITIES,
    Case,
    Channel,
    LinshiKind,
    NotAcceptedReason,
    ObjectionResolution,
    ReviewOutcome,
)
from jiuzhu.core.text import LONG_TEXT, NAME_TEXT
from jiuzhu.registry.models import Person

# type=date inputs need ISO dates whatever the locale's display format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseCreateForm(forms.Form):
    program = forms.ChoiceField(label=_("救助项目"), choices=())
    applicant = forms.ModelChoiceField(label=_("申请人"), queryset=Person.objects.none())
    channel = forms.ChoiceField(label=_("申请方式"), choices=Channel.choices, initial=Channel.ENTRUSTED)
    linshi_kind = forms.ChoiceField(label=_("临时救助类型"), choices=LinshiKind.choices, required=False)
    single_person = forms.BooleanField(
        label=_("单人保（低保边缘家庭中的重度残疾人或重病患者单独纳入）"), required=False
    )
    reason = forms.CharField(
        label=_("申请理由"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    staff_relative = forms.BooleanField(label=_("申请人或家庭成员是经办人员、村干部的近亲属"), required=False)
    staff_relative_note = forms.CharField(label=_("近亲属关系说明"), max_length=200, required=False)

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = engine.program_choices()  # type: ignore[attr-defined]
        living = household.members.filter(date_of_death__isnull=True)
        self.fields["applicant"].queryset = living  # type: ignore[attr-defined]
        # As on the paper form: the head applies unless someone else is named.
        self.fields["applicant"].initial = living.filter(relation="self").values_list("pk", flat=True).first()
        # Fields that belong to some programmes only are shown for those (static/jiuzhu/jiuzhu.js).
        self.fields["linshi_kind"].widget.attrs["data-when-program"] = "linshi"
        self.fields["single_person"].widget.attrs["data-when-program"] = "dibao_urban dibao_rural"


class AcceptForm(forms.Form):
    staff_relative = forms.BooleanField(label=_("登记为经办人员近亲属申请（转县级调查）"), required=False)
    staff_relative_note = forms.CharField(label=_("近亲属关系说明"), max_length=200, required=False)


class RequestSupplementForm(forms.Form):
    """一次性告知: everything missing at once, from the programme's checklist and in words."""

    items = forms.MultipleChoiceField(
        label=_("需补正的材料（申请材料清单）"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other = forms.CharField(
        label=_("其他需补正的材料或说明"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class SupplyForm(forms.Form):
    received = forms.MultipleChoiceField(
        label=_("已补交的材料（已上传的自动计入）"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("补正说明"), max_length=300, required=False)


class NotAcceptForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予受理原因"), choices=NotAcceptedReason.choices)
    text = forms.CharField(
        label=_("不予受理理由（写入告知书）"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvestigateForm(forms.Form):
    visit_date = forms.DateField(label=_("入户调查日期"), widget=DATE)
    investigator_1 = forms.CharField(label=_("调查人员一"), max_length=NAME_TEXT)
    investigator_2 = forms.CharField(label=_("调查人员二"), max_length=NAME_TEXT)
    investigator_3 = forms.CharField(label=_("调查人员三（可选）"), max_length=NAME_TEXT, required=False)
    findings = forms.CharField(label=_("调查情况"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    family_confirmed = forms.BooleanField(label=_("申请人已在调查表上签字确认"), required=False)
    income_irregular = forms.BooleanField(label=_("收入不稳定且有劳动能力成员（每半年复核）"), required=False)

    def clean(self) -> dict[str, Any]:
        # The service takes the investigators as one list, as the API sends them.
        data = super().clean() or {}
        data["investigators"] = [data.get(f) or "" for f in ("investigator_1", "investigator_2", "investigator_3")]
        return data


class EmptyForm(forms.Form):
    pass


class RecordCheckForm(forms.Form):
    result = forms.CharField(label=_("核对结果"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    passed = forms.TypedChoiceField(
        label=_("结论"), choices=[("1", _("符合")), ("0", _("不符合"))], coerce=lambda v: v == "1"
    )


class OpinionForm(forms.Form):
    recommend = forms.TypedChoiceField(
        label=_("审核意见"), choices=[("1", _("建议确认")), ("0", _("建议不予确认"))], coerce=lambda v: v == "1"
    )
    text = forms.CharField(label=_("意见说明"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, label=_("建议月救助金额（元，空则按系统测算）"), required=False, min_value=0
    )


class PublishForm(forms.Form):
    start_date = forms.DateField(label=_("公示开始日期"), widget=DATE)


class ObjectionForm(forms.Form):
    content = forms.CharField(label=_("异议内容"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("收到日期"), widget=DATE, required=False)


class ResolveObjectionForm(forms.Form):
    resolution = forms.ChoiceField(label=_("处理方式"), choices=ObjectionResolution.choices[1:])
    text = forms.CharField(label=_("处理结果"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, label=_("确认月救助金额（元）"), min_value=0, required=False
    )
    override_reason = forms.CharField(label=_("与测算金额不同的理由"), max_length=300, required=False)


class AmountCheckForm(forms.Form):
    """The second person's check of a confirmed amount above the computed one."""

    decision = forms.ChoiceField(
        label=_("复核结果"),
        choices=[("accept", _("同意该金额")), ("return", _("退回，请重新决定"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("复核意见（退回须写明理由）"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["accept"] = data.get("decision") == "accept"
        return data


class RefuseForm(forms.Form):
    reasons = forms.CharField(label=_("不予确认的理由"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=300)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm,
    "request_supplement": RequestSupplementForm,
    "supply": SupplyForm,
    "not_accept": NotAcceptForm,
    "investigate": InvestigateForm,
    "request_check": EmptyForm,
    "record_check": RecordCheckForm,
    "township_opinion": OpinionForm,
    "publish_notice": PublishForm,
    "record_objection": ObjectionForm,
    "resolve_objection": ResolveObjectionForm,
    "confirm": ConfirmForm,
    "refuse": RefuseForm,
    "withdraw": WithdrawForm,
    "check_amount": AmountCheckForm,
}


def step_form(action: str, case: Case, data: Any = None, **kwargs: Any) -> forms.Form:
    """The form of one step for one case: the supplement forms list that case's materials."""
    form = STEP_FORMS[action](data, **kwargs)
    if action == "request_supplement":
        form.fields["items"].choices = checklists.checklist(case.program)  # type: ignore[attr-defined]
    elif action == "supply":
        request = selectors.open_supplement(case)
        asked = selectors.supplement_labels(case, request) if request else []
        field = form.fields["received"]
        field.choices = asked  # type: ignore[attr-defined]
        if request is not None:
            uploaded = case.documents.filter(uploaded_at__gte=request.created_at).values_list("kind", flat=True)
            field.initial = [code for code, _label in asked if code in set(uploaded)]
    return form


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=())
    file = forms.FileField(label=_("文件（PDF/JPG/PNG，不超过 10 MB）"))

    def __init__(self, *args: Any, program: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = checklists.checklist(program)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("备注"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class SelfCareForm(forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE)
    assessor_1 = forms.CharField(label=_("评估人员一"), max_length=NAME_TEXT)
    assessor_2 = forms.CharField(label=_("评估人员二"), max_length=NAME_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in ADL_ACTIVITIES:
            self.fields[code] = forms.BooleanField(label=_("能独立%(a)s") % {"a": label}, required=False)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("复核结果"), choices=ReviewOutcome.choices[1:])
    reasons = forms.CharField(
        label=_("理由"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    new_amount = forms.DecimalField(
        max_digits=12, decimal_places=2, label=_("调整后月金额（元）"), required=False, min_value=0
    )
    exit_months = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, max_exit_months: int, proposes: bool = False, **kwargs: Any) -> None:
        """`max_exit_months`: the region's 渐退期上限 (review.months.gradual_exit_max) on the day. `proposes`:
        the user records 继续享受 and proposes the other outcomes to the county (a township user)."""
        super().__init__(*args, **kwargs)
        if proposes:
            choices = [
                (code, label if code == ReviewOutcome.CONTINUE else _("%(o)s（提请县级审批）") % {"o": label})
                for code, label in ReviewOutcome.choices[1:]
            ]
            self.fields["outcome"].choices = choices  # type: ignore[attr-defined]
            self.fields["new_amount"].label = _("建议调整后月金额（元）")
        field = self.fields["exit_months"]
        field.label = _("渐退月数（1—%(n)d）") % {"n": max_exit_months}
        field.max_value = max_exit_months  # type: ignore[attr-defined]
        field.validators.append(MaxValueValidator(max_exit_months))
        field.widget.attrs["max"] = max_exit_months


class ReviewReturnForm(forms.Form):
    reasons = forms.CharField(label=_("退回理由"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewWithdrawForm(forms.Form):
    reasons = forms.CharField(label=_("撤回理由"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class StopProposalForm(forms.Form):
    reasons = forms.CharField(
        label=_("申请停保理由"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明停保的事实和依据，例如：家庭成员务工，人均收入已超过低保标准。"),
    )


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    is_workday = forms.TypedChoiceField(
        label=_("设为"), choices=[("0", _("休息日")), ("1", _("工作日"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False)


class HolidayDeleteForm(forms.Form):
    # The delete button posts the row's date; a hand-made post with another text gets a form error.
    delete = forms.DateField(
        label=_("日期"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("日期格式应为 年-月-日，例如 2025-10-01")},
    )


class TopupForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, label=_("拨付金额（元）"), min_value=0)
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)


class EmergencyPayForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, label=_("先行救助金额（元）"), min_value=0)
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)
