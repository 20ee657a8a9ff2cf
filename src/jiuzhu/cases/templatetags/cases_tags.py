from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jiuzhu.cases import engine, selectors
from jiuzhu.cases.models import CaseEvent

register = template.Library()


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


@register.filter
def event_label(event: CaseEvent) -> str:
    """A history line's step in words (办理记录), never its code."""
    return selectors.step_label(event.action, event.to_status)


# The to-do list's rows, written in Python: through the template engine a row cost about 0.3 ms (a township's
# list holds thirty or more), most of the page's CPU (issue #11).
_MARK = 987_654_321_987  # no other part of the URLs holds it
_DECIDED = ("confirm", "refuse", "check_amount")  # steps taken on the decision page
_TODO_ROW = (
    '<tr{overdue_class}>\n    <td style="white-space:nowrap">{due}{overdue}</td>\n    <td>{step}{relative}</td>\n'
    '    <td><a href="{href}">{number}</a></td>\n    <td>{head}</td>\n    <td>{program}</td>\n'
    '    <td class="nowrap">{status}</td>\n  </tr>\n'
)


@register.simple_tag
def todo_rows(items: list[selectors.TodoItem], steps: dict[str, Any]) -> SafeString:
    """One <tr> per to-do item: its deadline (已逾期 when past), the step and 近亲属 for a staff relative's file,
    the case number linking to where the step is taken, the head of the household, programme and status."""
    decide = reverse("cases:decide", args=[_MARK])
    detail = reverse("cases:detail", args=[_MARK])
    overdue = format_html(' <span class="tag bad">{}</span>', _("已逾期"))
    relative = format_html(' <span class="tag warn">{}</span>', _("近亲属"))
    return format_html_join(
        "  ",
        _TODO_ROW,
        (
            {
                "overdue_class": mark_safe(' class="overdue"') if item.overdue else "",
                "due": item.due.isoformat() if item.due else "—",
                "overdue": overdue if item.overdue else "",
                "step": getattr(steps.get(item.action), "label", ""),
                "relative": relative if item.case.staff_relative else "",
                "href": (decide if item.action in _DECIDED else detail).replace(str(_MARK), str(item.case.pk)),
                "number": item.case.number,
                "head": item.case.household.head_name,
                "program": engine.program_name(item.case.program),
                "status": item.case.get_status_display(),
            }
            for item in items
        ),
    )
