"""A finding's evidence as a caseworker reads it: labelled in the user's language, money in yuan, lists
joined. The keys are the rules' evidence columns (rules/*.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from jiuzhu.matching.kinds import KIND_FIELDS
from jiuzhu.policy.programs import program_name
from jiuzhu.registry.models import Supporter

LABELS = {
    "row": gettext_noop("外部数据行号"),
    "score": gettext_noop("匹配得分"),
    "method": gettext_noop("匹配方式"),
    "agreed": gettext_noop("一致的字段"),
    "entitlement_id": gettext_noop("待遇编号"),
    "other_id": gettext_noop("另一项待遇编号"),
    "program": gettext_noop("救助项目"),
    "other_program": gettext_noop("另一救助项目"),
    "our_programs": gettext_noop("本县享受的项目"),
    "months_paid": gettext_noop("死亡后已发月数"),
    "paid_fen": gettext_noop("多发金额（元）"),
    "register_members": gettext_noop("监测户人数"),
    "covered_members": gettext_noop("低保保障人数"),
    "uncovered_names": gettext_noop("未纳入保障的成员"),
    "missing": gettext_noop("未享受的补贴"),
    "age": gettext_noop("年龄"),
    "supporter": gettext_noop("赡养抚养扶养人"),
    "problem": gettext_noop("问题"),
    "id_masked": gettext_noop("身份证号"),
    "households": gettext_noop("登记的家庭"),
    "homes": gettext_noop("房产套数"),
    "certs": gettext_noop("不动产权证号"),
    "owners": gettext_noop("权利人"),
    "number": gettext_noop("户编号"),
    "exit_from": gettext_noop("渐退起始月份"),
    "end_month": gettext_noop("渐退终止月份"),
    "exit_months": gettext_noop("渐退月数"),
    "months_over": gettext_noop("期满后已发月数"),
    "sex": gettext_noop("性别"),
}
METHODS = {
    "exact": gettext_noop("身份证号一致"),
    "name_birth": gettext_noop("姓名、出生日期一致"),
    "fuzzy": gettext_noop("模糊匹配"),
}
_FIELD_LABELS = {f.name: f.label for fields in KIND_FIELDS.values() for f in fields}


def _text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key.endswith("_fen") or key in ("monthly_salary", "monthly_amount"):
        fen = abs(int(value))
        return f"{'-' if int(value) < 0 else ''}{fen // 100}.{fen % 100:02d}"
    if key == "method":
        return gettext(METHODS.get(str(value), str(value)))
    if key == "agreed":
        return "、".join(gettext(LABELS.get(v) or _FIELD_LABELS.get(v, v)) for v in value)
    if key in ("program", "other_program"):
        return program_name(str(value))
    if key == "supporter":
        return str(dict(Supporter.choices).get(str(value), value))
    if key == "our_programs":
        return "、".join(program_name(str(v)) for v in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for each item, in the order the rule wrote them."""
    return [(gettext(LABELS.get(k) or _FIELD_LABELS.get(k, k)), _text(k, v)) for k, v in evidence.items()]
