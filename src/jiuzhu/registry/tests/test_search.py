"""person_search: which persons a name, a name's beginning, initials or full pinyin find, in which order
(namesakes village by village), and never one outside the user's region. The expectation is computed here from
every person of the test county, so a change of index or query shape (issue #11: the county's name search) must
keep both."""

import datetime as dt

import pytest

from jiuzhu.registry.models import Person, Relation
from jiuzhu.registry.selectors import SearchQuery, person_search

# Namesakes in several villages and townships, names that share a beginning, one-character given names.
# The last row registers namesakes in the first village after the others: by id they would come last, in the
# search they come with their village.
NAMES = [
    ("village_a1", ["王华", "王华", "王华强", "王伟", "张三", "王", "王华"]),
    ("village_a2", ["王华", "王华明", "张三丰", "王伟", "李四"]),
    ("village_b1", ["王华", "王华强", "张三", "王伟华", "王华"]),
    ("village_a1", ["王华", "张三"]),
]


@pytest.fixture
def people(county, make_household):
    day = dt.date(1950, 1, 1)
    for village, names in NAMES:
        for i, name in enumerate(names):
            make_household(getattr(county, village), [(name, day + dt.timedelta(days=i), Relation.SELF, {})])
    return county


def by_name(user, text):
    rows = [p for p in Person.objects.all() if p.region_code.startswith(user.scope_prefix) and p.name.startswith(text)]
    return [p.pk for p in sorted(rows, key=lambda p: (p.name, p.region_code, p.pk))]


def by_initials(user, text):
    rows = [
        p
        for p in Person.objects.all()
        if p.region_code.startswith(user.scope_prefix)
        and (p.name_initials.startswith(text) or (len(text) > 3 and p.name_pinyin.startswith(text)))
    ]
    return [p.pk for p in sorted(rows, key=lambda p: (p.name_initials, p.name, p.region_code, p.pk))]


def found(user, text, region=""):
    return list(person_search(user=user, query=SearchQuery(text=text, region=region)).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", ["approver", "caseworker_a", "caseworker_b", "clerk_a"])
@pytest.mark.parametrize("text", ["王华", "王", "王华强", "张三", "王伟", "李四", "赵"])
def test_a_name_or_its_beginning_finds_the_scope_s_persons_ordered_by_name_then_village(request, people, persona, text):
    user = request.getfixturevalue(persona)
    assert found(user, text) == by_name(user, text)


@pytest.mark.parametrize("persona", ["approver", "caseworker_a", "clerk_a"])
@pytest.mark.parametrize("text", ["wh", "whq", "zs", "wanghua", "zhangsan", "w"])
def test_initials_and_pinyin_find_the_scope_s_persons_in_initials_name_village_order(request, people, persona, text):
    user = request.getfixturevalue(persona)
    assert found(user, text) == by_initials(user, text)


def test_a_county_user_narrowed_to_a_township_sees_its_persons_only(people, approver):
    township = people.township_a.code[:9]
    rows = [p for p in Person.objects.filter(region_code__startswith=township) if p.name.startswith("王华")]
    assert found(approver, "王华", region=township) == [
        p.pk for p in sorted(rows, key=lambda p: (p.name, p.region_code, p.pk))
    ]
    assert found(approver, "王华", region=township) != found(approver, "王华")


def test_the_expectation_is_not_empty(people, approver, caseworker_b):
    assert len(by_name(approver, "王华")) == 10
    assert len(by_name(caseworker_b, "王华")) == 3
    # The late namesakes make the village order differ from the order of registration.
    by_id = [p.pk for p in sorted(Person.objects.filter(name__startswith="王华"), key=lambda p: (p.name, p.pk))]
    assert by_name(approver, "王华") != by_id
