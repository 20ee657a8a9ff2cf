from __future__ import annotations

from django import template

from jiuzhu.core.money import format_yuan
from jiuzhu.payments.services.payroll import fen_to_yuan
from jiuzhu.policy.rules import PROGRAMS_BY_CODE

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    """Integer fen as yuan with two decimals: 12345 → 123.45."""
    return "" if value is None else format_yuan(fen_to_yuan(value))


@register.filter
def program_label(code: str) -> str:
    """A programme's Chinese name; "" (every programme) reads 全部项目."""
    if not code:
        from django.utils.translation import gettext

        return gettext("全部项目")
    program = PROGRAMS_BY_CODE.get(code)
    return str(program.name) if program else code


@register.filter
def neg(value: int) -> int:
    """A part that lowers the total (stopped, last month's one-time items), shown with its sign."""
    return -value
