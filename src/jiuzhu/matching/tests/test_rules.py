"""Every rule: a planted case is found, a near miss is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuzhu.core import pii
from jiuzhu.matching.models import Finding
from jiuzhu.matching.services.runs import run_execute
from jiuzhu.matching.tests.conftest import MONTH, months_ago, person_row, years_ago
from jiuzhu.payments.models import LineKind, Payroll, PayrollLine
from jiuzhu.registry.models import Person


def found(approver: Any, rule: str) -> list[Finding]:
    run_execute(actor=approver, rules=[rule])
    return list(Finding.objects.filter(rule=rule).order_by("id"))


def pay(ent: Any, months: list[dt.date], county: Any) -> None:
    for m in months:
        payroll, _ = Payroll.objects.get_or_create(month=m, region=county.county, program="",
                                                   defaults={"region_code": county.county.code})  # fmt: skip
        PayrollLine.objects.create(payroll=payroll, household=ent.household, region_code=ent.region_code,
                                   program=ent.program, entitlement=ent, kind=LineKind.REGULAR, service_month=m,
                                   amount_fen=40000)  # fmt: skip


def test_dead_still_paid_counts_the_months_paid_after_death(approver, family, entitle, load, standards):
    dead = family(("张大山", years_ago(70)))
    ent = entitle(dead)
    stopped = family(("李小河", years_ago(72)))
    entitle(stopped, end_month=months_ago(3))  # stopped the month of death: a near miss
    pay(ent, [months_ago(3), months_ago(2), months_ago(1)], standards)
    died = (months_ago(3) + dt.timedelta(days=9)).isoformat()
    load("deaths", [person_row(dead.members.get(), death_date=died),
                    person_row(stopped.members.get(), death_date=died)])  # fmt: skip
    hits = found(approver, "dead_still_paid")
    assert [f.household for f in hits] == [dead]
    assert hits[0].evidence["months_paid"] == 2
    assert hits[0].evidence["paid_fen"] == 80000
    assert hits[0].evidence["agreed"][:2] == ["id_number", "name"]
    assert hits[0].severity == "high"


def test_dead_member_counted_only_when_the_registry_still_shows_them_alive(approver, family, load, admin):
    alive = family(("王一", years_ago(50)), ("王二", years_ago(80)))
    known = family(("赵三", years_ago(60)))
    from jiuzhu.registry.services import person_update

    person_update(actor=admin, person=known.members.get(), date_of_death=months_ago(2))
    grandma = alive.members.get(name="王二")
    load("deaths", [person_row(grandma, death_date=months_ago(1).isoformat()),
                    person_row(known.members.get(), death_date=months_ago(2).isoformat())])  # fmt: skip
    hits = found(approver, "dead_member_counted")
    assert [f.person for f in hits] == [grandma]


def test_a_death_without_id_number_links_on_name_birth_date_and_sex(approver, family, entitle, load):
    hh = family(("钱多多", years_ago(75)))
    entitle(hh)
    row = person_row(hh.members.get(), death_date=months_ago(1).isoformat())
    row["id_number"] = ""
    load("deaths", [row])
    hits = found(approver, "dead_still_paid")
    assert len(hits) == 1 and hits[0].evidence["method"] == "name_birth"


def test_baoren_buhao_finds_a_register_household_larger_than_its_dibao(approver, family, entitle, load):
    big = family(("孙甲", years_ago(50)), ("孙乙", years_ago(48)), ("孙丙", years_ago(20)))
    a, b, c = big.members.order_by("id")
    entitle(big, persons=[a, b])
    whole = family(("周甲", years_ago(50)), ("周乙", years_ago(48)))
    entitle(whole)
    d, e = whole.members.order_by("id")
    load("poverty", [person_row(p, household_no=no) for p, no in
                     ((a, "P001"), (b, "P001"), (c, "P001"), (d, "P002"), (e, "P002"))])  # fmt: skip
    hits = found(approver, "baoren_buhao")
    assert [f.household for f in hits] == [big]
    assert hits[0].evidence["uncovered_names"] == ["孙丙"]


def test_wubao_as_dibao_spares_who_chose_dibao_in_writing(approver, family, entitle):
    alone = family(("吴老汉", years_ago(72), {"supporter": "none"}))
    entitle(alone)
    chose = family(("郑老汉", years_ago(72), {"supporter": "none", "prefers_dibao": True}))
    entitle(chose)
    young = family(("冯汉", years_ago(59), {"supporter": "none"}))
    entitle(young)
    assert [f.household for f in found(approver, "wubao_as_dibao")] == [alone]


def test_disability_certificate_without_the_two_subsidies(approver, family, entitle, load):
    poor = family(("陈残", years_ago(40)))
    entitle(poor)
    other = family(("褚轻", years_ago(40)))  # grade 3, not on 低保: owed neither subsidy
    load("disability", [person_row(poor.members.get(), grade=1, cert_no="C1"),
                        person_row(other.members.get(), grade=3, cert_no="C2")])  # fmt: skip
    hits = found(approver, "disability_without_subsidy")
    assert [f.household for f in hits] == [poor]
    assert hits[0].evidence["missing"] == ["困难残疾人生活补贴", "重度残疾人护理补贴"]


def test_elderly_on_dibao_without_the_elderly_subsidy(approver, family, entitle):
    missing = family(("卫老", years_ago(65)))
    entitle(missing)
    has = family(("蒋老", years_ago(66)))
    entitle(has)
    entitle(has, program="laonian_kunnan", amount="50")
    assert [f.household for f in found(approver, "elderly_without_subsidy")] == [missing]


def test_one_person_in_dibao_and_tekun(approver, family, entitle):
    both = family(("沈双", years_ago(70)))
    entitle(both)
    entitle(both, program="tekun_dispersed", amount="600")
    entitle(family(("韩单", years_ago(70))))
    hits = found(approver, "exclusive_programs")
    assert [f.household for f in hits] == [both]


def test_enrolled_in_another_county(approver, family, entitle, load):
    ours = family(("杨两地", years_ago(55)))
    entitle(ours)
    not_paid = family(("朱一地", years_ago(55)))
    load("other_rolls", [person_row(ours.members.get(), program="低保", roll_region="东阳市"),
                         person_row(not_paid.members.get(), program="低保", roll_region="东阳市")])  # fmt: skip
    assert [f.household for f in found(approver, "enrolled_elsewhere")] == [ours]


def test_vehicle_in_dibao_household_but_not_a_disability_vehicle(approver, family, entitle, load):
    car = family(("秦车", years_ago(45)))
    entitle(car)
    mobility = family(("尤代步", years_ago(45)))
    entitle(mobility)
    load("vehicles", [person_row(car.members.get(), plate="浙G12345"),
                      person_row(mobility.members.get(), plate="浙G54321", disability_vehicle="是")])  # fmt: skip
    assert [f.household for f in found(approver, "vehicle_in_dibao")] == [car]


def test_business_in_dibao_household_unless_deregistered(approver, family, entitle, load):
    shop = family(("许店", years_ago(45)))
    entitle(shop)
    closed = family(("何关", years_ago(45)))
    entitle(closed)
    load("business", [person_row(shop.members.get(), company="许记小卖部", status="存续"),
                      person_row(closed.members.get(), company="何记面馆", status="已注销")])  # fmt: skip
    assert [f.household for f in found(approver, "business_in_dibao")] == [shop]


def test_second_home_in_dibao_household(approver, family, entitle, load):
    two = family(("吕房", years_ago(45)), ("吕妻", years_ago(44)))
    entitle(two)
    one = family(("施房", years_ago(45)))
    entitle(one)
    a, b = two.members.order_by("id")
    load("real_estate", [person_row(a, cert_no="R1"), person_row(b, cert_no="R2"),
                         person_row(one.members.get(), cert_no="R3")])  # fmt: skip
    hits = found(approver, "second_home_in_dibao")
    assert [f.household for f in hits] == [two]
    assert hits[0].evidence["homes"] == 2


def test_public_payroll_member_in_dibao_household(approver, family, entitle, load):
    clerk = family(("张公", years_ago(35)))
    entitle(clerk)
    free = family(("孔公", years_ago(35)))  # not on 低保
    load("payroll", [person_row(clerk.members.get(), employer="某镇政府", monthly_salary="5200.00"),
                     person_row(free.members.get(), employer="某镇政府", monthly_salary="5200")])  # fmt: skip
    assert [f.household for f in found(approver, "salary_in_dibao")] == [clerk]


def test_gradual_exit_paid_past_its_end(approver, family, entitle, standards):
    over = family(("曹渐", years_ago(40)))
    ent = entitle(over, gradual_exit=True, end_month=months_ago(1))
    pay(ent, [months_ago(1), MONTH], standards)
    fine = family(("严渐", years_ago(40)))
    ok = entitle(fine, gradual_exit=True, end_month=months_ago(-2))
    pay(ok, [months_ago(1), MONTH], standards)
    hits = found(approver, "gradual_exit_overrun")
    assert [f.household for f in hits] == [over]
    assert hits[0].evidence["months_over"] == 1


def test_invalid_id_number_in_the_registry(approver, family):
    bad = family(("华错", years_ago(40)))
    family(("金对", years_ago(40)))
    person = bad.members.get()
    wrong = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    Person.objects.filter(pk=person.pk).update(id_number_enc=pii.encrypt(wrong))
    hits = found(approver, "invalid_id")
    assert [f.person for f in hits] == [person]
    assert "校验" in hits[0].summary


def test_duplicate_person_in_two_households(approver, family):
    birth = years_ago(60)
    one = family(("魏重", birth))
    two = family(("魏重", birth), village="b1")
    family(("魏重", years_ago(61)))  # same name, another birth date
    hits = found(approver, "duplicate_person")
    assert sorted(f.household_id for f in hits) == sorted([one.pk, two.pk])
