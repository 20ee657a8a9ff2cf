from __future__ import annotations

from django import template
from django.utils.translation import gettext

from jiuzhu.core.money import format_yuan
from jiuzhu.payments.services.payroll import fen_to_yuan
from jiuzhu.policy.programs import program_name

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    """Integer fen as yuan with two decimals: 12345 → 123.45."""
    return "" if value is None else format_yuan(fen_to_yuan(value))


@register.filter
def program_label(code: str) -> str:
    """A programme's name in the user's language (the roster in English showed it in Chinese); "" (every
    programme) reads 全部项目."""
    if not code:
        return gettext("全部项目")
    return program_name(code)


@register.filter
def neg(value: int) -> int:
    """A part that lowers the total (stopped, last month's one-time items), shown with its sign."""
    return -value
