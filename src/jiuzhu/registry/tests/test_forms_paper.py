"""Forms that follow the paper (issue #10): the only village preselected, 城乡类别 taken from it, amounts said
per month in yuan, disability grades in words."""

from jiuzhu.registry.forms import HouseholdCreateForm, PersonForm
from jiuzhu.registry.models import Household, Region


def test_the_clerks_only_village_is_preselected_and_the_area_follows_it(client, clerk_a, county):
    villages = Region.objects.filter(pk=county.village_a1.pk)
    form = HouseholdCreateForm(villages=villages)
    assert form.fields["village"].initial == county.village_a1.pk
    client.force_login(clerk_a)
    import datetime as dt

    from jiuzhu.conftest import id_for

    response = client.post(
        "/registry/households/new/",
        {"village": county.village_a1.pk, "head_name": "杜春梅", "head_id_number": id_for(dt.date(1970, 3, 3)),
         "area": "", "homes": 1, "vehicles": 0, "deposits": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(head_name="杜春梅")
    assert household.area == ("urban" if county.village_a1.is_urban else "rural")


def test_the_person_form_says_yuan_per_month_and_grades_in_words():
    form = PersonForm(creating=True)
    assert str(form.fields["income_wage"].label).endswith("（元/月）")
    assert [str(label) for _value, label in form.fields["disability_grade"].choices][1:] == [
        "一级",
        "二级",
        "三级",
        "四级",
    ]
