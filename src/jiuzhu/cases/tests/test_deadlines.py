"""The procedure's numbers are dated regional parameters: read through policy's resolution, with the
township's own value winning over the county's, and the 20-day limit where confirmation is delegated."""

import datetime as dt
from decimal import Decimal

import pytest

from jiuzhu.cases import deadlines, services
from jiuzhu.cases.tests.conftest import TODAY
from jiuzhu.core.workdays import add_workdays
from jiuzhu.policy.services import parameter_add


def _set(admin, region, key, value, on):
    parameter_add(actor=admin, region=region, key=key, value=value, effective_from=on, source="测试")


def test_days_refuses_a_months_key_and_months_a_days_key(standards):
    with pytest.raises(ValueError, match="months"):
        deadlines.days("review.months.stable")
    with pytest.raises(ValueError, match="days"):
        deadlines.months("case.days.accept")
    assert deadlines.months("review.months.stable") == 12
    assert deadlines.days("case.days.overall") == 30


def test_a_townships_own_dated_value_wins_from_its_date(standards, admin):
    county, township = standards.county, standards.township_a
    _set(admin, county, "case.days.accept", "5", dt.date(2025, 1, 1))
    _set(admin, township, "case.days.accept", "2", dt.date(2025, 6, 1))
    village_a, village_b = standards.village_a1.code, standards.village_b1.code
    assert deadlines.days("case.days.accept", region_code=village_a, on=dt.date(2025, 5, 31)) == 5
    assert deadlines.days("case.days.accept", region_code=village_a, on=dt.date(2025, 6, 1)) == 2
    assert deadlines.days("case.days.accept", region_code=village_b, on=dt.date(2025, 6, 1)) == 5
    assert deadlines.days("case.days.accept", region_code=village_b, on=dt.date(2024, 12, 31)) == 3  # shipped


def test_the_cap_is_money_and_falls_back_to_the_shipped_value_without_a_region(db):
    assert deadlines.case_parameter("case.money.linshi_township_cap") == Decimal("2000")


def test_delegated_confirmation_gives_the_twenty_day_overall_limit(standards, admin, new_case, caseworker_a):
    plain = services.case_accept(actor=caseworker_a, case=new_case(), on=TODAY)
    assert plain.overall_due == add_workdays(TODAY, 30)
    _set(admin, standards.township_a, "case.delegated_confirmation", "1", dt.date(2025, 1, 1))
    delegated = services.case_accept(actor=caseworker_a, case=new_case("dibao_rural"), on=TODAY)
    assert delegated.overall_due == add_workdays(TODAY, 20)


def test_the_parameters_page_lists_the_procedures_numbers(client, admin, standards):
    client.force_login(admin)
    html = client.get("/policy/parameters/").content.decode()
    assert "办理时限：全流程（委托乡镇审核确认）" in html and "定期复核间隔：收入稳定" in html
