"""规则测试用例: the golden cases for policy staff to read against the documents, with the engine's answer.

Read-only and without personal data (the cases are made-up households), so any signed-in user may read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.policy import casebook
from jiuzhu.policy.parameters import parameter_label
from jiuzhu.registry.models import DisabilityKind, Labor, OrphanKind, Relation, Supporter

INCOME_LABELS = {
    "wage": gettext_lazy("工资性收入"),
    "business": gettext_lazy("经营净收入"),
    "property": gettext_lazy("财产净收入"),
    "transfer": gettext_lazy("转移净收入"),
    "other": gettext_lazy("其他收入"),
    "exempt": gettext_lazy("豁免收入（不计入）"),
}
RIGID_LABELS = {"medical": gettext_lazy("医疗刚性支出"), "rehab": gettext_lazy("康复刚性支出")}
ASSET_LABELS = {
    "deposits": gettext_lazy("存款等金融资产"),
    "vehicles": gettext_lazy("机动车辆"),
    "disability_vehicle": gettext_lazy("残疾人代步车"),
    "homes": gettext_lazy("房产套数"),
    "business": gettext_lazy("有工商登记"),
}
ARG_LABELS = {
    "urban": gettext_lazy("城市"),
    "members": gettext_lazy("家庭人数"),
    "need": gettext_lazy("核定困难需求（元）"),
    "category": gettext_lazy("对象类别"),
    "self_paid": gettext_lazy("政策范围内个人自付（元）"),
    "deductible_met": gettext_lazy("本年已达起付线（元）"),
    "paid_this_year": gettext_lazy("本年已救助（元）"),
    "persons": gettext_lazy("人数"),
    "cpi": gettext_lazy("CPI 同比涨幅"),
    "food_cpi": gettext_lazy("食品 CPI 同比涨幅"),
    "dibao_urban": gettext_lazy("城市低保人数"),
    "dibao_rural": gettext_lazy("农村低保人数"),
    "tekun": gettext_lazy("特困人数"),
}
CATEGORY_LABELS = {
    "tekun": gettext_lazy("特困人员"),
    "dibao": gettext_lazy("低保对象"),
    "edge": gettext_lazy("低保边缘人员"),
    "none": gettext_lazy("其他"),
}
CLASS_LABELS = {"dibao": gettext_lazy("低保"), "edge": gettext_lazy("低保边缘"), "none": gettext_lazy("不符合")}


def _label(choices: Any, value: object) -> str:
    if value in choices.values:
        return str(choices(value).label)
    return _(str(value))  # the casebook writes some values as their Chinese label (户主): translated too


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _member_facts(m: dict[str, Any]) -> list[str]:
    """What the case says of a member, in words; defaults (full labour, alive, counted …) go unsaid."""
    return [*_health_facts(m), *_standing_facts(m), *_money_facts(m)]


def _health_facts(m: dict[str, Any]) -> list[str]:
    """Disability, illness, capacity for work and self-care, schooling."""
    facts = []
    disability = m.get("disability")
    if disability:
        facts.append(_("%(kind)s%(grade)s级") % {"kind": _label(DisabilityKind, disability.get("kind")),
                                                 "grade": disability.get("grade")})  # fmt: skip
    if m.get("serious_illness"):
        facts.append(_("患重特大疾病"))
    if m.get("labor", "full") != "full":
        facts.append(_label(Labor, m["labor"]))
    if m.get("adl_impossible"):
        facts.append(_("%(n)s 项日常生活活动不能自理") % {"n": m["adl_impossible"]})
    if m.get("student"):
        facts.append(_("在校学生"))
    return facts


def _standing_facts(m: dict[str, Any]) -> list[str]:
    """Whether and how the member counts in the household: death, exclusion, support, care, a choice made."""
    facts = []
    if m.get("alive") is False:
        facts.append(_("已故"))
    if m.get("excluded"):
        facts.append(_("不计入共同生活家庭成员"))
    if m.get("supporter") and m["supporter"] != "capable":
        facts.append(_label(Supporter, m["supporter"]))
    if m.get("orphan") and m["orphan"] != "none":
        facts.append(_label(OrphanKind, m["orphan"]))
    if m.get("institution"):
        facts.append(_("机构集中供养/养育"))
    if m.get("prefers_dibao"):
        facts.append(_("自愿选择低保"))
    return facts


def _money_facts(m: dict[str, Any]) -> list[str]:
    """Each kind of income and of rigid expense the member has, with its amount."""
    facts = []
    for key, label in INCOME_LABELS.items():
        if (m.get("income") or {}).get(key):
            facts.append(_("%(label)s %(amount)s 元") % {"label": label, "amount": m["income"][key]})
    for key, label in RIGID_LABELS.items():
        if (m.get("rigid_expense") or {}).get(key):
            facts.append(_("%(label)s %(amount)s 元") % {"label": label, "amount": m["rigid_expense"][key]})
    return facts


def _settings(case: dict[str, Any]) -> list[str]:
    """The parameters a case sets itself (overrides, or a dated history such as a 提标)."""
    out = []
    for key, value in (case.get("parameters") or {}).items():
        out.append(f"{parameter_label(key)} = {value}")
    for key, entries in (case.get("history") or {}).items():
        label = parameter_label(key)
        for e in entries:
            out.append(_("%(label)s 自 %(date)s 起为 %(value)s") % {"label": label, "date": e["effective_from"],
                                                                   "value": e["value"]})  # fmt: skip
    return out


def _monthly_view(case: dict[str, Any]) -> dict[str, Any]:
    on = case.get("date", casebook.DEFAULT_DATE)
    h = case["household"]
    result, outcome = casebook.run_monthly(case)
    expect = case["expect"]
    assets = [
        str(ASSET_LABELS[k]) if v is True else f"{ASSET_LABELS[k]} {v}"
        for k, v in (h.get("assets") or {}).items()
        if v not in (None, 0, False)
    ]
    members = [
        {
            "id": m.get("id", ""),
            "relation": _label(Relation, m["relation"]) if m.get("relation") else "",
            "birth_date": m.get("birth_date"),
            "age": _age(m["birth_date"], on) if isinstance(m.get("birth_date"), dt.date) else None,
            "facts": _member_facts(m),
        }
        for m in h.get("members", [])
    ]
    amount = {"a": expect["monthly"]}
    household_class = CLASS_LABELS.get(expect.get("class", ""), expect.get("class"))
    expected = [
        *([_("家庭低保类别：%(c)s") % {"c": household_class}] if "class" in expect else []),
        *([_("月人均收入 %(a)s 元") % {"a": expect["per_capita_income"]}] if "per_capita_income" in expect else []),
        (_("符合条件，每月 %(a)s 元") if expect["eligible"] else _("不符合条件，每月 %(a)s 元")) % amount,
        *([_("享受人员：%(p)s") % {"p": "、".join(map(str, expect["persons"]))}] if expect.get("persons") else []),
        *(_("说明应含：“%(t)s”") % {"t": t} for t in expect.get("explain_contains", [])),
    ]
    return {
        "case": case,
        "date": on,
        "area": _("城市") if h.get("area") == "urban" else _("农村"),
        "assets": assets,
        "members": members,
        "settings": _settings(case),
        "expected": expected,
        "outcome": outcome,
        "class_label": CLASS_LABELS.get(result["class"], result["class"]),
    }


def _arg_text(key: str, value: object) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "category":
        return str(CATEGORY_LABELS.get(str(value), value))
    if key in ("cpi", "food_cpi") and isinstance(value, int):
        return f"{Decimal(value) / 100}%"
    return str(value)


def _event_view(case: dict[str, Any]) -> dict[str, Any]:
    award, outcome = casebook.run_event(case)
    expect = case["expect"]
    amount = {"a": expect["amount"]}
    expected = [
        (_("符合条件，金额 %(a)s 元") if expect["eligible"] else _("不符合条件，金额 %(a)s 元")) % amount,
        *([_("超出上限部分报县级审批")] if expect.get("needs_county_approval") else []),
        *(_("说明：“%(t)s”") % {"t": line} for line in expect.get("explain", [])),
    ]
    return {
        "case": case,
        "date": case.get("date", casebook.DEFAULT_DATE),
        "args": [(ARG_LABELS.get(k, k), _arg_text(k, v)) for k, v in case["args"].items()],
        "settings": _settings(case),
        "expected": expected,
        "outcome": outcome,
        "county": award.needs_county_approval,
    }


@login_required
def casebook_index(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/casebook.html", {"chapters": casebook.chapters()})


@login_required
def casebook_chapter(request: HttpRequest, code: str) -> HttpResponse:
    chapter = casebook.chapter(code)
    if chapter is None:
        raise Http404
    view = _monthly_view if chapter.monthly else _event_view
    cases = [view(c) for c in chapter.cases]
    return render(
        request,
        "policy/casebook_chapter.html",
        {
            "chapter": chapter,
            "cases": cases,
            "passed": sum(c["outcome"].passed for c in cases),
            "chapters": casebook.chapters(),
        },
    )
