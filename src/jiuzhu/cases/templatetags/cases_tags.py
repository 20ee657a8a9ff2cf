from __future__ import annotations

from typing import Any

from django import template

from jiuzhu.cases import engine
from jiuzhu.cases.models import CaseEvent
from jiuzhu.cases.selectors import step_label

register = template.Library()


@register.filter
def event_label(event: CaseEvent) -> str:
    """The 办理记录 showed `submit, accept, investigate`: the step in words."""
    return step_label(event.action, event.to_status)


@register.filter
def program_name(code: str) -> str:
    return engine.program_name(code)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def monthly_income(member: dict[str, Any]) -> float:
    keys = ("income_wage", "income_business", "income_property", "income_transfer", "income_other")
    return sum(float(member.get(k, 0) or 0) for k in keys)
