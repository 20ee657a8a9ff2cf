import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError

from jiuzhu.conftest import id_for
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_verify
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.services import HOUSEHOLD_FRAME, PERSON_FRAME, households_bulk_create


def frames(county, ids):
    v = county.village_a2
    households = pl.DataFrame(
        {
            "number": [f"{v.code}00001", f"{v.code}00002"],
            "region_id": [v.pk, v.pk],
            "region_code": [v.code, v.code],
            "area": ["rural", "rural"],
            "address": ["花溪村1组", "花溪村2组"],
            "phone": ["13900001111", ""],
            "bank_name": ["农商银行", ""],
            "bank_account": ["6230910000000000001", ""],
            "deposits": ["1200.50", "0"],
            "vehicles": [0, 1],
            "disability_vehicle": [False, False],
            "homes": [1, 1],
            "business": [False, False],
        }
    )
    n = len(ids)
    persons = pl.DataFrame(
        {
            "household_number": [f"{v.code}00001"] * 2 + [f"{v.code}00002"] * (n - 2),
            "name": ["陈国强", "何秀英", "曾小龙"][:n],
            "id_number": ids,
            "birth_date": [dt.date(1950, 1, 1)] * n,
            "sex": ["M", "F", "M"][:n],
            "relation": ["self", "spouse", "self"][:n],
            "disability_kind": ["physical", "", ""][:n],
            "disability_grade": [2, None, None][:n],
            "disability_cert": ["", "", ""][:n],
            "serious_illness": [False] * n,
            "illness_name": [""] * n,
            "labor": ["none", "full", "full"][:n],
            "adl_impossible": [0] * n,
            "student": [False] * n,
            "employment": ["none"] * n,
            "supporter": ["capable"] * n,
            "orphan": ["none"] * n,
            "institution": [False] * n,
            "date_of_death": [None, None, dt.date(2025, 3, 1)][:n],
            **{c: ["100.00"] * n for c in PERSON_FRAME if c.startswith(("income_", "rigid_"))},
        },
        schema_overrides={"date_of_death": pl.Date, "disability_grade": pl.Int64},
    )
    return households.cast(HOUSEHOLD_FRAME), persons  # type: ignore[arg-type]


def test_it_writes_households_and_persons_in_bulk_with_encrypted_columns(
    county, admin, django_capture_on_commit_callbacks
):
    ids = [id_for(dt.date(1950, 1, 1)), id_for(dt.date(1950, 1, 1), male=False), id_for(dt.date(1950, 1, 1))]
    hh, persons = frames(county, ids)
    with django_capture_on_commit_callbacks(execute=True):  # the audit entry is anchored on commit
        assert households_bulk_create(actor=admin, households=hh, persons=persons, source="test") == (2, 3)
    first = Household.objects.get(number=hh["number"][0])
    assert first.head_name == "陈国强" and first.phone == "13900001111" and first.phone_masked == "139****1111"
    assert first.members.count() == 2
    chen = Person.objects.get(id_number_hash=pii.lookup_hash(ids[0]))
    assert chen.id_number == ids[0] and chen.name_initials == "cgq" and chen.disability_grade == 2
    assert str(chen.income_wage) == "100.00"
    assert Person.objects.get(name="曾小龙").date_of_death == dt.date(2025, 3, 1)
    assert AuditEntry.objects.filter(action="import").count() == 1
    assert audit_verify().ok


def test_a_duplicate_id_number_writes_nothing(county, admin, make_household):
    existing = make_household(county.village_a1).members.get()
    ids = [id_for(dt.date(1950, 1, 1)), existing.id_number, id_for(dt.date(1950, 1, 1))]
    hh, persons = frames(county, ids)
    before = Household.objects.count()
    with pytest.raises(IntegrityError):
        households_bulk_create(actor=admin, households=hh, persons=persons, source="test")
    assert Household.objects.count() == before and Person.objects.count() == 1


def test_persons_built_beside_the_households_write_fails_as_a_whole(county, admin):
    """The persons' rows are built by a second thread while the households are written: a member whose
    household is not in the file still refuses the whole write with its message, and nothing is kept; a
    write that goes through reports its progress up to households and persons together."""
    from django.core.exceptions import ValidationError

    ids = [id_for(dt.date(1950, 1, 1)), id_for(dt.date(1950, 1, 1), male=False), id_for(dt.date(1950, 1, 1))]
    hh, persons = frames(county, ids)
    orphan = persons.with_columns(pl.Series("household_number", [*persons["household_number"][:2], "x"]))
    with pytest.raises(ValidationError, match="1 名成员找不到所属家庭"):
        households_bulk_create(actor=admin, households=hh, persons=orphan, source="test")
    assert not Household.objects.exists() and not Person.objects.exists()
    seen: list[tuple[str, int, int]] = []
    result = households_bulk_create(
        actor=admin, households=hh, persons=persons, source="test", progress=lambda *a: seen.append(a)
    )
    assert result == (2, 3) and seen == [("households", 2, 5), ("persons", 5, 5)]
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(persons["name"].to_list())


def test_it_refuses_households_outside_the_users_scope(county, caseworker_b):
    from django.core.exceptions import PermissionDenied

    hh, persons = frames(
        county, [id_for(dt.date(1950, 1, 1)), id_for(dt.date(1951, 1, 1)), id_for(dt.date(1952, 1, 1))]
    )
    with pytest.raises(PermissionDenied):
        households_bulk_create(actor=caseworker_b, households=hh, persons=persons, source="test")
    assert not Household.objects.exists()


def test_an_import_over_two_townships_is_audited_under_the_county_the_auditor_sees(county, admin, auditor):
    from jiuzhu.core.selectors import audit_entries_visible
    from jiuzhu.registry.services import common_region_code

    assert common_region_code("330727100201", "330727101201") == "330727000000"  # not "33072710"
    assert common_region_code("330727100201", "330727100202") == "330727100000"
    assert common_region_code("330727100201", "330727100201") == "330727100201"
    assert common_region_code("330727100201", "110101001001") == ""
    ids = [id_for(dt.date(1950, 1, 1)), id_for(dt.date(1950, 1, 1), male=False), id_for(dt.date(1950, 1, 1))]
    hh, persons = frames(county, ids)
    other = county.village_b1
    hh = hh.with_columns(
        pl.Series("region_id", [county.village_a2.pk, other.pk]),
        pl.Series("region_code", [county.village_a2.code, other.code]),
    )
    households_bulk_create(actor=admin, households=hh, persons=persons, source="test")
    entry = AuditEntry.objects.get(action="import")
    assert entry.region_code == county.county.code
    assert audit_entries_visible(user=auditor).filter(pk=entry.pk).exists()


def test_an_id_number_registered_elsewhere_is_refused_without_saying_where(
    county, make_household, caseworker_a, caseworker_b
):
    from django.core.exceptions import ValidationError

    from jiuzhu.registry.services import MemberInput, person_add

    there = make_household(county.village_b1)
    taken = there.members.get().id_number
    here = make_household(county.village_a1)
    with pytest.raises(ValidationError) as exc:
        person_add(actor=caseworker_a, household=here, member=MemberInput("李四", taken, "other"))
    assert exc.value.message_dict["id_number"] == ["该身份证号已在其他地区登记"]
    assert there.number not in str(exc.value)
    mine = make_household(county.village_b1)
    with pytest.raises(ValidationError) as exc:
        person_add(actor=caseworker_b, household=mine, member=MemberInput("李四", taken, "other"))
    assert exc.value.message_dict["id_number"] == [f"该身份证号已登记在户 {there.number}"]  # within one's own scope
