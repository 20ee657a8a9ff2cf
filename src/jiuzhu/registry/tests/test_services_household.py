import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiuzhu.core import pii
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry.models import Person, Relation
from jiuzhu.registry.services import MemberInput, household_register, household_update, person_update


def test_it_registers_a_household_with_encrypted_id_numbers(county, caseworker_a, make_household):
    hh = make_household(
        county.village_a1,
        [
            ("张三", dt.date(1950, 3, 1), Relation.SELF, {}),
            ("李四", dt.date(1952, 4, 2), Relation.SPOUSE, {}),
        ],
    )
    assert hh.head_name == "张三"
    assert hh.number.startswith(county.village_a1.code)
    p = hh.members.get(name="张三")
    assert p.name_initials == "zs" and p.name_pinyin == "zhangsan"
    assert p.id_masked.startswith("330727") and "*" in p.id_masked
    assert p.id_number_enc.startswith("v1:") and p.id_number not in p.id_number_enc
    assert p.id_number_hash == pii.lookup_hash(p.id_number)
    assert AuditEntry.objects.filter(object_type="household", object_id=str(hh.pk)).exists()


def test_it_refuses_a_wrong_check_digit_and_writes_nothing(county, caseworker_a):
    bad = "33072719500301001" + "0"
    with pytest.raises(ValidationError) as exc:
        household_register(
            actor=caseworker_a,
            village=county.village_a1,
            area="urban",
            members=[MemberInput("张三", bad, Relation.SELF)],
        )
    assert "校验码错误" in str(exc.value)
    assert not Person.objects.exists()


def test_it_refuses_other_township(county, caseworker_b, make_household):
    with pytest.raises(Http404):
        household_register(
            actor=caseworker_b,
            village=county.village_a1,
            area="urban",
            members=[MemberInput("张三", "11010519491231002X", Relation.SELF)],
        )
    hh = make_household(county.village_a1)
    with pytest.raises(Http404):
        household_update(actor=caseworker_b, household=hh, address="x")


def test_auditor_cannot_edit(county, auditor, make_household):
    hh = make_household(county.village_a1)
    with pytest.raises(PermissionDenied):
        household_update(actor=auditor, household=hh, address="x")


def test_update_records_before_and_after(county, caseworker_a, make_household):
    hh = make_household(county.village_a1)
    person = hh.members.get()
    person_update(actor=caseworker_a, person=person, disability_kind="physical", disability_grade=2)
    entry = AuditEntry.objects.filter(object_type="person").order_by("-seq").first()
    assert entry.before == {"disability_kind": "", "disability_grade": None}
    assert entry.after == {"disability_kind": "physical", "disability_grade": 2}
