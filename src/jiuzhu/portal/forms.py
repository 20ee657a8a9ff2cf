"""The public forms. Households are entered as a fixed number of member rows (a phone form needs no
formset management): a row whose first field is empty is not a member."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.cases import engine
from jiuzhu.cases.models import LinshiKind
from jiuzhu.core.idcard import IdNumberError, parse_id_number
from jiuzhu.grievances.models import Kind as GrievanceKind
from jiuzhu.grievances.models import Topic
from jiuzhu.grievances.validation import CONTENT_MAX, NAME_MAX
from jiuzhu.portal import selectors
from jiuzhu.portal.conf import upload_max_bytes
from jiuzhu.portal.spam import SpamCheckedForm
from jiuzhu.registry.models import Area, DisabilityKind, Labor, Relation, Supporter

MAX_MEMBERS = 8
# Programmes a family applies for; the festival gift and the price subsidy are paid without application.
NOT_APPLIED_FOR = frozenset({"weiwen", "jiage_butie"})
YES_NO = [("", gettext_lazy("否")), ("1", gettext_lazy("是"))]


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_value=Decimal("99999999"), decimal_places=2
    )


def village_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """Villages grouped by township, for a <select> with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for v in selectors.villages_all():
        groups.setdefault(v.parent.name if v.parent else "", []).append((v.code, v.name))
    return [("", _("请选择村（社区）")), *groups.items()]


def program_choices() -> list[tuple[str, Any]]:
    return [(c, n) for c, n in engine.program_choices() if c not in NOT_APPLIED_FOR]


class HouseholdFields(forms.Form):
    """Where the family lives and what it owns: shared by the application and the self-check."""

    village = forms.ChoiceField(label=gettext_lazy("所在村（社区）"))
    area = forms.ChoiceField(label=gettext_lazy("城乡类别"), choices=Area.choices, initial=Area.RURAL)
    deposits = _money(gettext_lazy("家庭存款、理财等合计（元）"))
    vehicles = forms.IntegerField(label=gettext_lazy("机动车辆数"), min_value=0, max_value=99, initial=0)
    homes = forms.IntegerField(label=gettext_lazy("房产套数"), min_value=0, max_value=99, initial=1)
    business = forms.TypedChoiceField(
        label=gettext_lazy("有工商登记（开办企业或个体户）"), choices=YES_NO, coerce=bool, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = village_choices()  # type: ignore[attr-defined]


class MemberFields(forms.Form):
    """One member's circumstances as the engine reads them."""

    labor = forms.ChoiceField(label=gettext_lazy("劳动能力"), choices=Labor.choices, initial=Labor.FULL, required=False)
    disability_kind = forms.ChoiceField(
        label=gettext_lazy("残疾类别"), choices=[("", gettext_lazy("无残疾")), *DisabilityKind.choices], required=False
    )
    disability_grade = forms.TypedChoiceField(
        label=gettext_lazy("残疾等级"),
        choices=[("", "—"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    serious_illness = forms.TypedChoiceField(
        label=gettext_lazy("患重特大疾病"), choices=YES_NO, coerce=bool, required=False
    )
    student = forms.TypedChoiceField(label=gettext_lazy("在校学生"), choices=YES_NO, coerce=bool, required=False)
    income_wage = _money(gettext_lazy("工资性收入（元/月）"))
    income_other = _money(gettext_lazy("经营、租金、赡养费、养老金等其他收入（元/月）"))
    rigid_medical = _money(gettext_lazy("因病因残自付医疗康复支出（元/月）"))

    def engine_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        kind = c.get("disability_kind") or ""
        return {
            "labor": c.get("labor") or Labor.FULL,
            "disability_kind": kind or None,
            "disability_grade": c.get("disability_grade") if kind else None,
            "serious_illness": bool(c.get("serious_illness")),
            "student": bool(c.get("student")),
            "income_wage": c.get("income_wage") or Decimal(0),
            "income_other": c.get("income_other") or Decimal(0),
            "rigid_medical": c.get("rigid_medical") or Decimal(0),
        }


class SelfCheckMemberForm(MemberFields):
    age = forms.IntegerField(label=gettext_lazy("年龄（周岁）"), min_value=0, max_value=120, required=False)
    supporter = forms.ChoiceField(
        label=gettext_lazy("赡养、抚养、扶养人"), choices=Supporter.choices, initial=Supporter.CAPABLE, required=False
    )
    field_order = ["age"]

    @property
    def filled(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("age") is not None


class SelfCheckForm(HouseholdFields):
    """The self-check holds nothing it could store: no name, no ID number. Its members are separate forms."""


class ApplicationMemberForm(MemberFields):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=20, required=False)
    relation = forms.ChoiceField(
        label=gettext_lazy("与户主关系"), choices=Relation.choices, initial=Relation.SELF, required=False
    )
    field_order = ["name", "id_number", "relation"]

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        name, raw = (c.get("name") or "").strip(), (c.get("id_number") or "").strip()
        if not name and not raw:
            return c
        if not name:
            self.add_error("name", _("请填写姓名"))
        if not raw:
            self.add_error("id_number", _("请填写身份证号"))
            return c
        try:
            parsed = parse_id_number(raw, today=dt.date.today())
        except IdNumberError as e:
            self.add_error("id_number", str(e))
            return c
        c["parsed"] = parsed
        return c

    @property
    def filled(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("parsed"))


class ApplicationForm(SpamCheckedForm, HouseholdFields):
    program = forms.ChoiceField(label=gettext_lazy("申请项目"))
    linshi_kind = forms.ChoiceField(
        label=gettext_lazy("临时救助类型（仅临时救助填写）"),
        choices=[("", "—"), (LinshiKind.EMERGENCY, LinshiKind.EMERGENCY.label),
                 (LinshiKind.EXPENSE, LinshiKind.EXPENSE.label)],
        required=False,
    )  # fmt: skip
    address = forms.CharField(label=gettext_lazy("现住址"), max_length=200, required=False)
    phone = forms.RegexField(
        label=gettext_lazy("联系电话"),
        regex=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$",
        error_messages={"invalid": gettext_lazy("请填写11位手机号或带区号的固定电话")},
    )
    reason = forms.CharField(label=gettext_lazy("申请理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    doc_id_cards = forms.FileField(label=gettext_lazy("身份证、户口簿照片"), required=False)
    doc_income = forms.FileField(label=gettext_lazy("收入、财产或困难情况证明"), required=False)
    doc_other = forms.FileField(label=gettext_lazy("其他材料"), required=False)
    agree = forms.BooleanField(
        label=gettext_lazy("本人承诺所填情况真实，并授权民政部门核对家庭经济状况"),
        error_messages={"required": gettext_lazy("请阅读并勾选承诺与授权")},
    )
    field_order = ["program", "linshi_kind", "village", "area", "address", "phone", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("请选择")), *program_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        c = super().clean()
        limit = upload_max_bytes()
        for name in ("doc_id_cards", "doc_income", "doc_other"):
            upload = c.get(name)
            if isinstance(upload, UploadedFile) and (upload.size or 0) > limit:
                self.add_error(name, _("文件不能超过 %(mb)s MB") % {"mb": f"{limit / (1024 * 1024):g}"})
        return c


def member_forms(form_class: type[forms.Form], data: Any = None, count: int = MAX_MEMBERS) -> list[Any]:
    return [form_class(data, prefix=f"m{i}") for i in range(count)]


def region_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """Each township (its own office) and its villages, for a complaint's place."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for t in selectors.townships():
        groups[t.name] = [(t.code, _("%(t)s（乡镇、街道本级）") % {"t": t.name})]
    for v in selectors.villages_all():
        if v.parent is not None and v.parent.name in groups:
            groups[v.parent.name].append((v.code, v.name))
    return [("", _("请选择所涉乡镇（街道）或村（社区）")), *groups.items()]


class ComplaintForm(SpamCheckedForm):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=GrievanceKind.choices, initial=GrievanceKind.REPORT)
    topic = forms.ChoiceField(label=gettext_lazy("问题类别"), choices=Topic.choices, initial=Topic.OTHER)
    region = forms.ChoiceField(label=gettext_lazy("所涉地点"))
    content = forms.CharField(
        label=gettext_lazy("反映内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=CONTENT_MAX
    )
    anonymous = forms.BooleanField(label=gettext_lazy("匿名反映（不留姓名和电话）"), required=False)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=NAME_MAX, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()  # type: ignore[attr-defined]
