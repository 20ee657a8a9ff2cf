import datetime as dt

import chinese_calendar
import pytest

from jiuzhu.core.models import HolidayOverride
from jiuzhu.core.workdays import add_workdays, is_workday, known_years, workdays_between

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-26", True),  # Sunday, worked before the Spring Festival
        ("2025-01-28", False),  # 除夕
        ("2025-02-04", False),
        ("2025-02-05", True),
        ("2025-02-08", True),  # Saturday, worked after the Spring Festival
        ("2025-09-28", True),  # Sunday, worked before National Day
        ("2025-10-01", False),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, worked after National Day
        ("2025-10-12", False),
    ],
)
def test_it_follows_the_state_council_schedule(day, expected):
    assert is_workday(D(day)) is expected
    assert chinese_calendar.is_workday(D(day)) is expected  # the package agrees: no hand-made table


def test_three_working_days_after_a_friday_before_national_day_skip_the_whole_holiday():
    # Accepted Tue 2025-09-30: 10-01..08 off, 10-09 Thu, 10-10 Fri, 10-11 Sat (worked).
    assert add_workdays(D("2025-09-30"), 3) == D("2025-10-11")


def test_the_swapped_sunday_counts_as_a_working_day():
    # Accepted Fri 2025-09-26: Sat 27 off, Sun 28 worked, Mon 29, Tue 30.
    assert add_workdays(D("2025-09-26"), 1) == D("2025-09-28")
    assert add_workdays(D("2025-09-26"), 3) == D("2025-09-30")


def test_spring_festival_deadline_runs_over_the_holiday_and_the_worked_saturday():
    # Accepted Fri 2025-01-24: Sun 26 worked, Mon 27, then 28..02-04 off, Wed 02-05, Thu 06, Fri 07, Sat 08.
    assert add_workdays(D("2025-01-24"), 2) == D("2025-01-27")
    assert add_workdays(D("2025-01-24"), 6) == D("2025-02-08")
    assert add_workdays(D("2025-01-24"), 10) == D("2025-02-13")  # Sun 02-09 is off again


def test_ten_working_days_for_the_county_across_national_day():
    assert add_workdays(D("2025-09-26"), 10) == D("2025-10-16")


def test_workdays_between_is_the_inverse_of_add_workdays():
    for start in (D("2025-01-20"), D("2025-09-25"), D("2025-12-30")):
        for n in (0, 1, 3, 7, 10, 30, 45):
            assert workdays_between(start, add_workdays(start, n)) == n
    assert workdays_between(D("2025-10-01"), D("2025-10-08")) == 0
    assert workdays_between(D("2025-10-08"), D("2025-10-01")) == 0


def test_the_county_admins_override_wins_over_the_package():
    HolidayOverride.objects.create(date=D("2025-10-09"), is_workday=False, note="本县调休")
    assert not is_workday(D("2025-10-09"))
    assert add_workdays(D("2025-09-30"), 1) == D("2025-10-10")
    HolidayOverride.objects.create(date=D("2025-10-08"), is_workday=True)
    assert add_workdays(D("2025-09-30"), 1) == D("2025-10-08")


def test_years_beyond_the_package_fall_back_to_monday_to_friday():
    first, last = known_years()
    assert first <= 2025 <= last
    year = last + 5
    jan = dt.date(year, 1, 1)
    monday = jan + dt.timedelta(days=(7 - jan.weekday()) % 7)
    assert add_workdays(monday, 5) == monday + dt.timedelta(days=7)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_workdays(D("2025-01-01"), -1)
