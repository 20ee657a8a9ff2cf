"""The desk's forms: thin, the services check everything again and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.models import ROLE_CAPABILITIES, Capability, User
from jiuzhu.core.scope import prefix_q
from jiuzhu.grievances.models import Channel, Kind, Satisfaction, Topic
from jiuzhu.grievances.validation import ANSWER_MAX, CONTENT_MAX, NAME_MAX, NOTE_MAX
from jiuzhu.regions.models import Level, Region


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


DESK_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PORTAL]


def _regions(user: User, levels: tuple[Level, ...]) -> Any:
    prefix = user.scope_prefix or "-"
    return Region.objects.filter(prefix_q(prefix, "code"), level__in=levels).order_by("code")


def _staff(user: User) -> Any:
    prefix = user.scope_prefix or "-"
    return (
        User.objects.filter(prefix_q(prefix, "region__code"), is_active=True)
        .select_related("region")
        .order_by("region__code", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.region.name if obj.region else ''} · {obj.full_name or obj.username}"


class RecordForm(forms.Form):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=DESK_CHANNELS)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    topic = forms.ChoiceField(label=_("问题类别"), choices=Topic.choices, initial=Topic.OTHER)
    region = forms.ModelChoiceField(label=_("所涉地区"), queryset=Region.objects.none(), required=False)
    case_number = forms.CharField(label=_("所涉申请编号（可选）"), max_length=24, required=False)
    household_number = forms.CharField(label=_("所涉家庭户编号（可选）"), max_length=20, required=False)
    person_id_number = forms.CharField(label=_("所涉人员身份证号（可选）"), max_length=18, required=False)
    staff = StaffChoiceField(label=_("所涉工作人员（可选）"), queryset=User.objects.none(), required=False)
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=CONTENT_MAX)
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=NAME_MAX, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = _regions(user, (Level.TOWNSHIP, Level.VILLAGE))
        staff = self.fields["staff"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = _staff(user)


class AssignForm(forms.Form):
    region = forms.ModelChoiceField(label=_("承办单位"), queryset=Region.objects.none(), required=False)
    staff = StaffChoiceField(label=_("承办人（可选）"), queryset=User.objects.none(), required=False)
    note = forms.CharField(
        label=_("分派意见"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region, staff = self.fields["region"], self.fields["staff"]
        assert isinstance(region, forms.ModelChoiceField) and isinstance(staff, forms.ModelChoiceField)
        region.queryset = _regions(user, (Level.COUNTY, Level.TOWNSHIP))
        handlers = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.HANDLE_GRIEVANCE in caps]
        staff.queryset = _staff(user).filter(role__in=handlers)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("调查情况"), max_length=NOTE_MAX, widget=_rows(3))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复内容（投诉人凭查询码可见）"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    topic = forms.ChoiceField(label=_("问题类别"), choices=Topic.choices)


class CloseForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, required=False)
    note = forms.CharField(
        label=_("办结意见"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("复查理由"), max_length=NOTE_MAX, widget=_rows(3))


class ConfirmForm(forms.Form):
    """A step with nothing to fill in (the review request)."""


STEP_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "investigate": NoteForm,
    "note": RequiredNoteForm,
    "request_review": ConfirmForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}
