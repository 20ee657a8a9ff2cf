"""Money: integer fen in computations, Decimal yuan in the database and on screen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import BigIntegerField, F, Func, Value
from django.utils.translation import gettext as _

FEN = Decimal("0.01")


class MoneyError(ValueError):
    pass


class FenOf(Func):
    """A yuan column (Decimal, two places) as integer fen, computed by the database: exact, as two places times
    100 is whole. On SQLite ROUND, then CAST (SQLite keeps a decimal as a float, and its CAST truncates). On
    PostgreSQL the cast of a numeric to bigint rounds by itself, half away from zero as ROUND does, so the
    cast alone: a ROUND a value less (half a second of the server's at 2.5 M persons × 8 incomes)."""

    output_field = BigIntegerField()
    template = "CAST(ROUND(%(expressions)s, 0) AS INTEGER)"

    def __init__(self, field: str) -> None:
        super().__init__(F(field) * Value(Decimal(100)))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="(%(expressions)s)::bigint", **extra)


def to_decimal(value: object) -> Decimal:
    """Yuan as a Decimal with two places; strings may carry thousands separators and ¥/元."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise MoneyError(value) from None
    if not d.is_finite():
        raise MoneyError(value)
    return d.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan_to_fen(value: object) -> int:
    return int(to_decimal(value) * 100)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{to_decimal(value):,.2f}"


# The database's money fields (max_digits 12, two decimals): below 10 000 000 000 yuan. An amount a form or the
# API lets through beyond that would be stored on PostgreSQL as an error and on SQLite as a value every later
# read chokes on.
MAX_AMOUNT = Decimal("9999999999.99")


def amount_problem(value: Decimal) -> str | None:
    """Why `value` cannot be an amount of money to record (in Chinese), or None when it can."""
    if not value.is_finite():
        return _("金额应为数字")
    if value < 0:
        return _("金额不能为负数")
    if value != value.quantize(FEN):
        return _("金额最多保留两位小数")
    if value > MAX_AMOUNT:
        return _("金额超出可记录的范围（最多 9 999 999 999.99 元）")
    return None
