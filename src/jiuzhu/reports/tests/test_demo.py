from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jiuzhu.reports.models import ALL_PROGRAMS, Snapshot, Target


@pytest.mark.django_db
def test_demo_has_two_years_of_statistics_and_targets() -> None:
    call_command("demo", "--no-serve", "--households", "600", "--seed", "1", stdout=io.StringIO())
    county = Snapshot.objects.filter(region_code="330727000000", program=ALL_PROGRAMS, total_fen__gt=0)
    months = sorted(county.values_list("month", flat=True))
    assert len(months) == 24  # this month's payroll waits for its check: not counted yet
    first, last = county.get(month=months[0]), county.get(month=months[-1])
    assert last.persons > first.persons > 0  # the roll grew over two years
    assert Snapshot.objects.filter(program=ALL_PROGRAMS, stopped__gt=0).exists()
    assert Target.objects.filter(region_code="330727000000").exists()
