from decimal import Decimal

import pytest

from jiuzhu.core.money import MoneyError, fen_to_yuan, format_yuan, to_decimal, yuan_to_fen


def test_conversions():
    assert yuan_to_fen("1,234.565") == 123457
    assert yuan_to_fen(0.1) == 10
    assert fen_to_yuan(64650) == Decimal("646.50")
    assert to_decimal("¥528元") == Decimal("528.00")
    assert format_yuan(Decimal("1234.5")) == "1,234.50"


def test_it_refuses_text_and_infinity():
    with pytest.raises(MoneyError):
        to_decimal("abc")
    with pytest.raises(MoneyError):
        to_decimal("inf")
