"""The home page's registry counts (issue #11, load): households per township or village in one grouped query,
persons, disabled and deceased persons of the user's region, each right and each from an index."""

from __future__ import annotations

import datetime as dt

from jiuzhu.registry.models import Person, Relation
from jiuzhu.registry.selectors import household_counts_by_child_region, registry_counts


def test_counts_per_child_region_and_of_the_region(
    county, approver, caseworker_a, make_household, django_assert_max_num_queries
):
    for _ in range(2):
        make_household(county.village_a1)
    disabled = {"disability_kind": "physical", "disability_grade": 2}
    make_household(county.village_a2, [("李一", dt.date(1950, 1, 1), Relation.SELF, disabled)])
    gone = make_household(county.village_b1, [("赵二", dt.date(1930, 1, 1), Relation.SELF, {})])
    Person.objects.filter(household=gone).update(date_of_death=dt.date(2025, 1, 1))

    with django_assert_max_num_queries(2):  # the child regions, the grouped count
        by_township = {row["region"].code: row["households"] for row in household_counts_by_child_region(user=approver)}
    assert by_township[county.township_a.code] == 3 and by_township[county.township_b.code] == 1
    assert sum(by_township.values()) == 4

    by_village = {row["region"].code: row["households"] for row in household_counts_by_child_region(user=caseworker_a)}
    assert by_village[county.village_a1.code] == 2 and by_village[county.village_a2.code] == 1
    assert county.village_b1.code not in by_village  # another township's village

    assert registry_counts(user=approver) == {"households": 4, "persons": 4, "disabled": 1, "deceased": 1}
    assert registry_counts(user=caseworker_a) == {"households": 3, "persons": 3, "disabled": 1, "deceased": 0}
