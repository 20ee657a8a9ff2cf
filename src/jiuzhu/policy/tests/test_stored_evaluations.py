"""The household page's eligibility comes from a stored evaluation (issue #11: the engine ran on every visit),
and a stored result is never shown once anything it was computed from has changed: income, a member, a
parameter, the date, the rules — whichever path made the change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jiuzhu.conftest import id_for
from jiuzhu.policy import selectors
from jiuzhu.policy.models import Parameter, StoredEvaluation
from jiuzhu.policy.services import evaluation_current, evaluations_refresh, parameter_add
from jiuzhu.registry.models import Person, Relation
from jiuzhu.registry.services import MemberInput, person_add, person_update


def _rural(make_household, county, wage=0):
    # One adult in a rural village: 低保 = the rural standard (shipped 396 … per person) minus the income.
    return make_household(county.village_a2, [("李四", dt.date(1970, 1, 1), Relation.SELF, {"income_wage": wage})])


def _amount(household, day=None):
    """The stored (or refreshed) amount, checked against the engine run afresh."""
    day = day or timezone.localdate()
    result = evaluation_current(household=household, date=day)
    assert result == selectors.household_evaluation(household=household, date=day)
    return next(p.monthly for p in result.programs if p.code == "dibao_rural")


def _page(client, user, household) -> str:
    client.force_login(user)
    response = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []
    real = selectors.evaluate
    monkeypatch.setattr(selectors, "evaluate", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


def test_registering_a_household_stores_its_evaluation_and_the_page_reads_it(
    client, standards, caseworker_a, make_household, engine_calls
):
    household = _rural(make_household, standards)
    stored = StoredEvaluation.objects.get(household=household)
    assert stored.date == timezone.localdate()
    engine_calls.clear()
    page = _page(client, caseworker_a, household)
    assert "救助资格测算" in page
    assert engine_calls == []  # read, not computed


def test_a_change_of_income_is_on_the_page(client, standards, caseworker_a, admin, make_household):
    household = _rural(make_household, standards)
    before = _amount(household)
    person_update(actor=admin, person=household.members.get(), income_wage=Decimal("100"))
    after = _amount(household)
    assert after < before
    assert f"{after:,.2f}" in _page(client, caseworker_a, household)


def test_a_change_written_around_the_services_is_seen_too(client, standards, caseworker_a, make_household):
    household = _rural(make_household, standards)
    before = _amount(household)
    # An import, a migration, a hand fix in the database: no hook runs, the input's digest still differs.
    Person.objects.filter(household=household).update(income_wage=Decimal("50"))
    after = _amount(household)
    assert after < before
    assert StoredEvaluation.objects.get(household=household).result["programs"]["dibao_rural"]["monthly"] == (
        after * 100
    )
    assert f"{after:,.2f}" in _page(client, caseworker_a, household)


def test_a_new_member_is_on_the_page(client, standards, caseworker_a, admin, make_household):
    household = _rural(make_household, standards)
    before = _amount(household)
    member = MemberInput(name="李小", id_number=id_for(dt.date(2015, 6, 1)), relation=Relation.SON)
    person_add(actor=admin, household=household, member=member)
    after = _amount(household)
    assert after > before
    assert "李小" in _page(client, caseworker_a, household)
    assert StoredEvaluation.objects.get(household=household).result["programs"]["dibao_rural"]["persons"] == [
        "李四",
        "李小",
    ]


def test_a_new_standard_is_on_the_page(client, standards, admin, caseworker_a, make_household):
    household = _rural(make_household, standards)
    before = _amount(household)
    parameter_add(
        actor=admin, region=standards.county, key="dibao.standard.rural", value=str(before + 104),
        effective_from=timezone.localdate(), source="测试文件",
    )  # fmt: skip
    assert _amount(household) == before + 104
    assert f"{before + 104:,.2f}" in _page(client, caseworker_a, household)


def test_a_parameter_row_written_directly_is_seen_too(standards, make_household):
    household = _rural(make_household, standards)
    before = _amount(household)
    Parameter.objects.create(
        region=standards.township_a, key="dibao.standard.rural", value=str(before + 10),
        effective_from=timezone.localdate(), source="测试文件",
    )  # fmt: skip
    assert _amount(household) == before + 10


def test_a_result_of_another_day_is_not_shown(client, standards, caseworker_a, make_household, monkeypatch):
    # A child turns 18 tomorrow: 单人保 and the person programmes read ages on the evaluation's date.
    today = timezone.localdate()
    household = _rural(make_household, standards)
    stored = StoredEvaluation.objects.get(household=household)
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **kw: tomorrow)
    _page(client, caseworker_a, household)
    again = StoredEvaluation.objects.get(household=household)
    assert again.date == tomorrow and stored.date == today


def test_the_date_changes_the_answer_when_age_does(standards, make_household):
    today = timezone.localdate()
    birth = dt.date(today.year - 60, today.month, today.day) + dt.timedelta(days=1)  # 60 tomorrow
    household = make_household(standards.village_a2, [("王五", birth, Relation.SELF, {"labor": "full"})])
    first = evaluation_current(household=household, date=today)
    later = evaluation_current(household=household, date=today + dt.timedelta(days=1))
    assert StoredEvaluation.objects.get(household=household).date == today + dt.timedelta(days=1)
    assert evaluation_current(household=household, date=today) == first
    assert later.date != first.date


def test_new_rules_make_every_stored_result_stale(standards, make_household, engine_calls, monkeypatch):
    household = _rural(make_household, standards)
    engine_calls.clear()
    evaluation_current(household=household, date=timezone.localdate())
    assert engine_calls == []
    monkeypatch.setattr(selectors, "rules_version", lambda: "another release")
    evaluation_current(household=household, date=timezone.localdate())
    assert engine_calls == [1]


def test_the_bulk_refresh_stores_what_one_household_gives(standards, make_household):
    today = timezone.localdate()
    disabled = {"disability_kind": "physical", "disability_grade": 1}
    households = [_rural(make_household, standards, wage=w) for w in (0, 150, 900)]
    households.append(make_household(standards.village_a1, [("赵六", dt.date(1950, 2, 2), Relation.SELF, disabled)]))
    one = {h.pk: StoredEvaluation.objects.get(household=h) for h in households}
    StoredEvaluation.objects.all().delete()
    assert evaluations_refresh(region=standards.county, date=today) == len(households)
    for h in households:
        bulk = StoredEvaluation.objects.get(household=h)
        assert (bulk.inputs, bulk.result, bulk.date) == (one[h.pk].inputs, one[h.pk].result, one[h.pk].date)


def test_the_command_refreshes_a_county(standards, make_household):
    household = _rural(make_household, standards)
    StoredEvaluation.objects.all().delete()
    call_command("evaluations", "refresh", "--date", "2026-01-05")
    assert StoredEvaluation.objects.get(household=household).date == dt.date(2026, 1, 5)
