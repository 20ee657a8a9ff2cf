"""提标影响测算: the whole county re-evaluated with a proposed or a saved standard, in scope, unsaved."""

import datetime as dt
import io
from decimal import Decimal

import polars as pl
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.accounts.models import Role
from jiuzhu.accounts.services import user_create
from jiuzhu.conftest import PASSWORD, id_for
from jiuzhu.core.models import AuditAction, AuditEntry
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.rules import evaluate
from jiuzhu.policy.selectors import (
    household_frames,
    parameters_frame,
    population_frames,
    proposed_value,
    reevaluation,
)
from jiuzhu.policy.services import parameter_add
from jiuzhu.regions.services import region_ensure
from jiuzhu.registry.models import Area, DisabilityKind, Relation
from jiuzhu.registry.services import MemberInput, household_register

DAY = dt.date(2026, 7, 1)
RAISE = {"key": "dibao.standard.urban", "value": "578", "effective_from": DAY.isoformat()}


def login(client, request, persona):
    request.getfixturevalue(persona)
    assert client.login(username=persona, password=PASSWORD)


def impact(client, **params):
    return client.get(reverse("policy:impact"), params)


@pytest.fixture
def just_above(standards, make_household):
    """One urban household: 540 yuan a month of transfers, 12 above the urban standard of 528."""
    return make_household(
        standards.village_a1, [("王建国", dt.date(1980, 3, 1), Relation.SELF, {"income_transfer": Decimal("540")})]
    )


def save_raise(admin, household):
    """The county raises the urban standard to 578 from DAY, as the admin would on the parameters page."""
    parameter_add(
        actor=admin, region=household.region.parent.parent, key="dibao.standard.urban", value="578",
        effective_from=DAY, source="县民〔2026〕8号",
    )  # fmt: skip


def program(result, code):
    return next(p for p in result.programs if p.code == code)


def test_a_household_just_above_the_urban_standard_qualifies_under_a_proposed_higher_one(client, request, just_above):
    login(client, request, "admin")
    response = impact(client, **RAISE)
    assert response.status_code == 200
    result = response.context["result"]
    urban = program(result, "dibao_urban")
    assert (urban.before_count, urban.after_count, urban.newly, urban.dropped) == (0, 1, 1, 0)
    assert urban.after_total - urban.before_total == Decimal("38.00")  # (578 − 540) × 1 person
    [changed] = result.changed
    assert changed.household_id == just_above.pk
    assert (changed.class_before, changed.class_after) == ("edge", "dibao")
    assert changed.head_name == "王*国"
    page = response.content.decode()
    assert "城市低保标准" in page and "王*国" in page and "王建国" not in page
    assert reverse("registry:household_detail", args=[just_above.pk]) in page


def test_a_proposed_value_is_not_saved(client, request, just_above):
    login(client, request, "admin")
    parameters, entries = Parameter.objects.count(), AuditEntry.objects.count()
    assert impact(client, **RAISE, source="县民〔2026〕8号").status_code == 200
    assert Parameter.objects.count() == parameters
    assert AuditEntry.objects.count() == entries


def test_a_saved_raise_shows_the_change_between_the_day_before_and_its_date(client, request, just_above, admin):
    save_raise(admin, just_above)
    login(client, request, "admin")
    result = impact(client, date=DAY.isoformat()).context["result"]
    assert (result.before, result.after, result.proposed) == (DAY - dt.timedelta(days=1), DAY, None)
    assert program(result, "dibao_urban").newly == 1
    assert [h.household_id for h in result.changed] == [just_above.pk]


def test_a_birthday_on_the_day_of_a_saved_change_is_not_counted_as_its_effect(
    client, request, just_above, standards, make_household, admin
):
    """高龄津贴 starts at 80: someone turning 80 on the change date is the same on both sides."""
    pension = {"income_transfer": Decimal("3000")}  # well above any 低保 standard
    make_household(standards.village_a1, [("李秀兰", DAY.replace(year=DAY.year - 80), Relation.SELF, pension)])
    save_raise(admin, just_above)
    login(client, request, "admin")
    result = impact(client, date=DAY.isoformat()).context["result"]
    gaoling = program(result, "gaoling")
    assert gaoling.before_count == gaoling.after_count == 1
    assert [h.household_id for h in result.changed] == [just_above.pk]


def test_without_a_date_the_page_shows_the_newest_saved_change(client, request, just_above, admin):
    save_raise(admin, just_above)
    login(client, request, "admin")
    result = impact(client).context["result"]
    assert result.after == DAY and program(result, "dibao_urban").newly == 1


def test_a_household_outside_the_users_region_is_not_counted(client, request, just_above, standards):
    region_ensure(code="330726000000", name="浦江县")
    region_ensure(code="330726100000", name="浦阳街道")
    village = region_ensure(code="330726100001", name="城东社区", urban_rural="111")
    neighbour = user_create(
        actor=None, username="admin_pj", password=PASSWORD, role=Role.COUNTY_ADMIN, region=village.parent.parent,
        check_password=False,
    )  # fmt: skip
    outside = household_register(
        actor=neighbour, village=village, area=Area.URBAN,
        members=[MemberInput(name="李四", id_number=id_for(dt.date(1980, 1, 1), region6="330726"),
                             relation=Relation.SELF, fields={"income_transfer": Decimal("540")})],
    )  # fmt: skip
    login(client, request, "admin")
    result = impact(client, **RAISE).context["result"]
    assert result.households == 1
    assert [h.household_id for h in result.changed] == [just_above.pk] != [outside.pk]


def test_a_township_sees_only_its_own_households(standards, make_household):
    a = make_household(standards.village_a1, [("甲", dt.date(1980, 1, 1), Relation.SELF, {})])
    make_household(standards.village_b1, [("乙", dt.date(1980, 1, 1), Relation.SELF, {})])
    result = reevaluation(region=standards.township_a, before=DAY, after=DAY)
    assert result.households == 1
    assert [t.code for t in result.townships] == ["330727100001", "330727100201"]  # its villages
    frame, _persons = population_frames(region_code_prefix=standards.township_a.prefix, date=DAY)
    assert frame["household_id"].to_list() == [a.pk]


def test_the_township_table_counts_dibao_per_township(client, request, just_above, make_household, standards):
    make_household(
        standards.village_b1, [("孙大山", dt.date(1980, 1, 1), Relation.SELF, {"income_transfer": Decimal("100")})]
    )
    login(client, request, "admin")
    result = impact(client, **RAISE).context["result"]
    rows = {t.name: t for t in result.townships}
    assert (rows["安文街道"].before_count, rows["安文街道"].after_count) == (0, 1)
    assert (rows["尖山镇"].before_count, rows["尖山镇"].after_count, rows["尖山镇"].total_change) == (1, 1, 0)
    assert result.townships_total.after_count == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "应为数字"), ("-5", "不能为负数"), ("528.123", "最多保留"), ("99999999999999999", "超出可保存的范围")],
)
def test_a_bad_proposed_value_gives_a_clear_message_and_saves_nothing(client, request, standards, value, message):
    login(client, request, "admin")
    parameters = Parameter.objects.count()
    response = impact(client, **dict(RAISE, value=value))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["result"] is None
    assert Parameter.objects.count() == parameters


def test_a_proposal_without_a_date_is_refused(client, request, standards):
    login(client, request, "admin")
    response = impact(client, **dict(RAISE, effective_from=""))
    assert response.status_code == 400
    assert "请填写生效日期" in response.content.decode()


@pytest.mark.parametrize("persona", ["clerk_a", "caseworker_a", "head_a", "auditor"])
def test_staff_without_the_capability_get_403(client, request, standards, persona):
    login(client, request, persona)
    assert impact(client, **RAISE).status_code == 403
    assert impact(client, **RAISE, format="xlsx").status_code == 403


def test_the_county_approver_may_see_it(client, request, just_above):
    login(client, request, "approver")
    response = impact(client, **RAISE)
    assert response.status_code == 200
    assert "按此取值保存" not in response.content.decode()  # only the admin sets standards


def test_anonymous_visitors_are_sent_to_login(client, standards):
    assert impact(client, **RAISE).status_code == 302


def test_the_export_has_masked_names_and_is_audited(client, request, just_above):
    login(client, request, "admin")
    response = impact(client, **RAISE, format="xlsx")
    assert response.status_code == 200 and response["X-Export-Rows"] == "1"
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("户编号", "户主（脱敏）", "村（社区）")
    assert rows[1][0] == just_above.number and rows[1][1] == "王*国" and rows[1][2] == "云山社区"
    assert "王建国" not in str(rows)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert entry.actor.username == "admin" and entry.region_code == "330727000000"
    assert "1 户" in entry.summary and entry.after["proposed"] == {"key": "dibao.standard.urban", "value": "578"}


def test_a_csrf_token_sent_by_the_add_form_is_dropped_from_the_address(client, request, standards):
    login(client, request, "admin")
    response = impact(client, **RAISE, csrfmiddlewaretoken="x" * 64)
    assert response.status_code == 302
    assert "csrfmiddlewaretoken" not in response.url and "key=dibao.standard.urban" in response.url


def test_the_parameters_page_offers_the_impact_to_who_may_see_it(client, request, standards):
    login(client, request, "admin")
    page = client.get(reverse("policy:parameters")).content.decode()
    assert "测算影响" in page and "提标影响测算" in page and f'formaction="{reverse("policy:impact")}"' in page
    client.logout()
    login(client, request, "caseworker_a")
    page = client.get(reverse("policy:parameters")).content.decode()
    assert "提标影响测算" not in page


def test_population_frames_give_a_household_what_household_frames_give(standards, make_household):
    other = make_household(standards.village_a2, [("赵一", dt.date(1950, 1, 1), Relation.SELF, {})])
    household = make_household(
        standards.village_a1,
        [
            ("钱二", dt.date(1942, 5, 6), Relation.SELF, {"income_wage": Decimal("300.55"), "labor": "none"}),
            ("孙三", dt.date(1945, 1, 1), Relation.SPOUSE,
             {"disability_kind": DisabilityKind.PHYSICAL, "disability_grade": 1, "income_other": Decimal("12.30")}),
            ("李四", dt.date(2012, 9, 1), Relation.GRANDSON, {"date_of_death": dt.date(2026, 1, 5), "student": True}),
        ],
        deposits=Decimal("12345.67"),
        vehicles=1,
    )  # fmt: skip
    one_h, one_p = household_frames(household=household, date=DAY)
    all_h, all_p = population_frames(region_code_prefix=standards.county.prefix, date=DAY)
    assert all_h["household_id"].to_list() == sorted([other.pk, household.pk])
    assert all_h.filter(pl.col("household_id") == household.pk).equals(one_h)
    assert all_p.filter(pl.col("household_id") == household.pk).equals(one_p)
    params = parameters_frame(regions=[standards.county])
    alone = evaluate(one_h, one_p, params, explain=False).households
    together = evaluate(all_h, all_p, params, explain=False).households
    assert together.filter(pl.col("household_id") == household.pk).equals(alone)


def test_population_frames_read_each_table_once(standards, make_household, django_assert_num_queries):
    for village in (standards.village_a1, standards.village_a2, standards.village_b1):
        make_household(
            village, [("甲", dt.date(1980, 1, 1), Relation.SELF, {}), ("乙", dt.date(1982, 1, 1), Relation.SPOUSE, {})]
        )
    with django_assert_num_queries(2):
        households, persons = population_frames(region_code_prefix="330727", date=DAY)
    assert households.height == 3 and persons.height == 6
    assert persons["household_id"].is_sorted()


def test_a_proposal_leaves_regions_with_their_own_value_alone(standards, make_household, admin):
    household = make_household(
        standards.village_a1, [("王建国", dt.date(1980, 3, 1), Relation.SELF, {"income_transfer": Decimal("540")})]
    )
    parameter_add(
        actor=admin, region=standards.township_a, key="dibao.standard.urban", value="530",
        effective_from=dt.date(2024, 1, 1), source="街道自定标准",
    )  # fmt: skip
    proposal = proposed_value(key="dibao.standard.urban", value="578", effective_from=DAY)
    result = reevaluation(region=standards.county, before=DAY, after=DAY, proposed=proposal)
    assert result.changed == [] and result.overridden == ["安文街道"]
    assert household.pk  # counted, unchanged: the township's 530 still applies
    assert result.households == 1


def test_the_admin_can_save_the_tested_value_from_the_impact_page(client, request, just_above):
    login(client, request, "admin")
    page = impact(client, **RAISE, source="县民〔2026〕8号").content.decode()
    assert f'action="{reverse("policy:parameter_add")}"' in page and 'value="县民〔2026〕8号"' in page
    response = client.post(reverse("policy:parameter_add"), dict(RAISE, source="县民〔2026〕8号"))
    assert response.status_code == 302
    assert Parameter.objects.get(key="dibao.standard.urban", effective_from=DAY).value == "578"


def test_a_county_without_households_shows_empty_tables(client, request, standards):
    login(client, request, "admin")
    response = impact(client, **RAISE)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.households == 0 and result.changed == [] and result.total.after_total == 0
    assert "没有家庭的月金额发生变化" in response.content.decode()


def test_missing_parameters_give_a_message_not_an_error(client, request, county, make_household):
    make_household(county.village_a1)
    login(client, request, "admin")
    response = impact(client, **RAISE)
    assert response.status_code == 200
    assert "无法测算" in response.content.decode() and response.context["result"] is None
