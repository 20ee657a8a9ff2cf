from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jiuzhu.payments.models import Entitlement
from jiuzhu.payments.selectors import covered_rows
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
    # 特困 is paid every month of the history (the roll's 特困 persons the engine found), and counted.
    tekun = Snapshot.objects.filter(region_code="330727000000", program__startswith="tekun", month__in=months)
    assert sorted({row.month for row in tekun if row.persons and row.regular_fen}) == months
    # No 特困 person of the roll is also covered by 低保 (the matching demo plants one such pair on purpose).
    running = Entitlement.objects.filter(end_month=None)
    tekun_links = running.filter(program__startswith="tekun").exclude(reason="演示：特困供养")
    persons = {p for (p,) in covered_rows(tekun_links)}
    assert persons
    assert not persons & {p for (p,) in covered_rows(running.filter(program__startswith="dibao"))}
