import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jiuzhu.core import holidays
from jiuzhu.core.models import HolidayOverride
from jiuzhu.core.workdays import is_workday


def test_the_admin_sets_and_removes_an_override_that_the_calendar_reads(admin, caseworker_a):
    day = dt.date(2027, 11, 16)  # an ordinary Tuesday
    with pytest.raises(PermissionDenied):
        holidays.holiday_override_set(actor=caseworker_a, date=day, is_workday=False)
    holidays.holiday_override_set(actor=admin, date=day, is_workday=False, note="本县")
    assert not is_workday(day)
    assert list(holidays.holiday_overrides().values_list("date", flat=True)) == [day]
    holidays.holiday_override_delete(actor=admin, date=day)
    assert not HolidayOverride.objects.exists()
    assert is_workday(day)


def test_the_table_is_the_one_the_cases_app_created():
    assert HolidayOverride._meta.db_table == "cases_holidayoverride"
