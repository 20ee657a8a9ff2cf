"""The procedure's numbers — time limits, review intervals, the township's emergency-aid cap, whether the
county has delegated confirmation to its townships — as dated regional parameters.

They are policy parameters like the standards (keys case.* and review.* in policy/rules/params.py, shipped
values with their sources in policy/defaults/parameters.yaml, edited on 标准与参数): a value set for a
township wins over its county's, and the value in force on the date asked for applies. Article numbers
follow 民发〔2021〕57号 ([57]) as cited in POLICY.md "Procedure and deadlines".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jiuzhu.core.workdays import add_workdays
from jiuzhu.policy.rules.params import PARAMETER_SPECS, Kind, parse_value
from jiuzhu.policy.selectors import parameter_value
from jiuzhu.policy.shipped import shipped_values
from jiuzhu.regions.models import Region

DAYS_PREFIX = "case.days."
MONTHS_PREFIX = "review.months."


def _shipped(key: str, on: dt.date) -> Decimal | str:
    """The shipped value in force on `on`; before the first one, the first (the procedure had its numbers
    before the documents we cite for them)."""
    rows = sorted((v for v in shipped_values() if v.key == key), key=lambda v: v.effective_from)
    if not rows:
        raise KeyError(key)
    in_force = [v for v in rows if v.effective_from <= on]
    return parse_value(key, (in_force[-1] if in_force else rows[0]).value)


def case_parameter(key: str, *, region_code: str = "", on: dt.date | None = None) -> int | Decimal:
    """The value of one procedure parameter for a region on a date (today by default): the nearest region up
    the tree with a value in force, as for the standards; the shipped value where no region has one (a
    database without the defaults loaded, or no region given)."""
    if key not in PARAMETER_SPECS:
        raise KeyError(key)
    on = on or timezone.localdate()
    value: Decimal | str | None = None
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is not None:
        value = parameter_value(key, region, on)
    if value is None:
        value = _shipped(key, on)
    number = Decimal(value)
    return int(number) if PARAMETER_SPECS[key].kind is Kind.INTEGER else number


def days(key: str, *, region_code: str = "", on: dt.date | None = None) -> int:
    """A time limit in days (case.days.*). Review intervals are months: ask `months`."""
    if not key.startswith(DAYS_PREFIX):
        raise ValueError(f"{key} is not a number of days ({DAYS_PREFIX}*); use months() for {MONTHS_PREFIX}*")
    return int(case_parameter(key, region_code=region_code, on=on))


def months(key: str, *, region_code: str = "", on: dt.date | None = None) -> int:
    """A review interval or period in months (review.months.*)."""
    if not key.startswith(MONTHS_PREFIX):
        raise ValueError(f"{key} is not a number of months ({MONTHS_PREFIX}*); use days() for {DAYS_PREFIX}*")
    return int(case_parameter(key, region_code=region_code, on=on))


def due_after(start: dt.date, key: str, *, region_code: str = "") -> dt.date:
    """`start` plus the parameter's number of working days, as in force on `start`."""
    return add_workdays(start, days(key, region_code=region_code, on=start))


def overall_key(*, region_code: str, accepted: dt.date, extended: bool) -> str:
    """Which overall limit runs from acceptance: 45 working days once extended (an objection, …), 20 where
    the county has delegated confirmation to the township, else 30 ([57] 第二十四条)."""
    if extended:
        return "case.days.overall_extended"
    if case_parameter("case.delegated_confirmation", region_code=region_code, on=accepted) == 1:
        return "case.days.overall_delegated"
    return "case.days.overall"
