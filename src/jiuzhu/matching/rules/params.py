"""The rules' numbers, read as dated regional parameters (policy), never constants."""

from __future__ import annotations

import datetime as dt

from jiuzhu.payments.services.arrears import payment_parameter


def number(key: str, *, prefix: str, on: dt.date) -> int:
    """An integer parameter for the run's region (a code prefix) on a date."""
    return payment_parameter(key, region_code=prefix, on=on)
