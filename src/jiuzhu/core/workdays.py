"""Working days: the State Council holiday schedule with its swapped working weekends (调休).

The maintained `chinese_calendar` package knows the published years; the county admin's overrides
(core.HolidayOverride) win over it, so a year the package does not know yet, or a local change, is a
row on the 节假日 page rather than a code release. Outside the package's years, Monday–Friday.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from jiuzhu.core.models import HolidayOverride

ONE_DAY = dt.timedelta(days=1)


def _package_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no schedule for
        return day.weekday() < 5


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    rows = HolidayOverride.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    return dict(rows)


def workdays_spans(pairs: list[tuple[dt.date, dt.date]]) -> list[int]:
    """workdays_between for many spans at once, reading the county's overrides once (a report's worth)."""
    if not pairs:
        return []
    overrides = _overrides(min(a for a, _b in pairs), max(b for _a, b in pairs))
    return [workdays_between(a, b, overrides=overrides) for a, b in pairs]


def known_years() -> tuple[int, int]:
    """The first and last year the shipped calendar covers."""
    from chinese_calendar.constants import holidays

    return min(holidays).year, max(holidays).year


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return _package_workday(day) if override is None else override


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself not counted); n = 0 gives `start`.

    A deadline "within 3 working days of acceptance" is add_workdays(accepted, 3)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # Long holidays are at most 8 days in a row: 3 × n + 14 calendar days always holds n working days.
    overrides = _overrides(start, start + dt.timedelta(days=3 * n + 14))
    day, left = start, n
    while left:
        day += ONE_DAY
        if overrides[day] if day in overrides else _package_workday(day):
            left -= 1
    return day


def workdays_between(a: dt.date, b: dt.date, *, overrides: dict[dt.date, bool] | None = None) -> int:
    """Working days after `a` up to and including `b` (0 when b ≤ a): how long a step took."""
    if b <= a:
        return 0
    if overrides is None:
        overrides = _overrides(a, b)
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        if overrides[day] if day in overrides else _package_workday(day):
            count += 1
    return count
