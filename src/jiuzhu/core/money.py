"""Money: integer fen in computations, Decimal yuan in the database and on screen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")


class MoneyError(ValueError):
    pass


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
