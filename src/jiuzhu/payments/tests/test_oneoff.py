"""One-off lines of the payroll: 春节慰问金, 资助参保 to the insurance fund, one-off grants — each paid once."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.core.messages import plain
from jiuzhu.payments import services
from jiuzhu.payments.bankfiles.export import fund_summary
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import (
    AccountFlag,
    Collection,
    LineKind,
    LineStatus,
    OneOffGrant,
    PayrollLine,
    PayrollStatus,
)
from jiuzhu.payments.services.oneoff import FUND_PAYEE
from jiuzhu.payments.tests.conftest import entitle
from jiuzhu.policy.services import parameter_add
from jiuzhu.registry.models import Relation
from jiuzhu.registry.services import person_update

D = dt.date.fromisoformat
DEC, JAN, FEB = D("2026-12-01"), D("2027-01-01"), D("2027-02-01")
ONE_OFF = [LineKind.ONE_OFF, LineKind.INSURANCE]


@pytest.fixture
def covered(county, make_household, approver):
    """An urban 低保 couple, a rural 低保 widow, a 特困 man (township A), a rural 低保 man in township B,
    and a household whose 低保 stopped in December: nothing for it in January."""

    def hh(village, names, account):
        members = [(n, D("1950-01-01"), Relation.SELF if i == 0 else Relation.SPOUSE, {}) for i, n in enumerate(names)]
        return make_household(village, members, bank_name="农商银行", bank_account=account)

    urban = hh(county.village_a1, ["王建国", "刘桂兰"], "6217001234567890001")
    rural = hh(county.village_a2, ["李秀英"], "6217001234567890002")
    tekun = hh(county.village_a2, ["赵大海"], "6217001234567890003")
    other = hh(county.village_b1, ["陈明"], "6217001234567890004")
    stopped = hh(county.village_a1, ["孙立"], "6217001234567890005")
    return {
        "urban": entitle(approver, urban, "dibao_urban", "528", "2026-10-01"),
        "rural": entitle(approver, rural, "dibao_rural", "396", "2026-10-01"),
        "tekun": entitle(approver, tekun, "tekun_dispersed", "800", "2026-10-01"),
        "other": entitle(approver, other, "dibao_rural", "396", "2026-10-01"),
        "stopped": entitle(approver, stopped, "dibao_rural", "396", "2026-10-01", end_month=DEC),
    }


def generate(actor, county, month, **kw):
    return services.payroll_generate(actor=actor, month=month, region=kw.pop("region", county.county), **kw)


def one_offs(payroll, kind):
    return {
        (ln.household_id, ln.amount_fen, ln.program, ln.payee_name)
        for ln in payroll.lines.filter(kind=kind).order_by("id")
    }


def test_weiwen_and_insurance_are_paid_in_their_month_per_person(county, covered, approver):
    assert not generate(approver, county, DEC).lines.filter(kind__in=ONE_OFF).exists()
    january = generate(approver, county, JAN)
    h = {k: e.household_id for k, e in covered.items()}
    weiwen = list(january.lines.filter(kind=LineKind.ONE_OFF).order_by("source_key"))
    # Shipped amounts: 300 urban 低保, 200 rural 低保 and 特困, per person.
    assert sorted((ln.household_id, ln.amount_fen) for ln in weiwen) == sorted(
        [(h["urban"], 30000), (h["urban"], 30000), (h["rural"], 20000), (h["tekun"], 20000), (h["other"], 20000)]
    )
    persons = {p.pk for e in covered.values() for p in e.persons.all()}
    assert {ln.source_key for ln in weiwen} == {f"weiwen:2027:{p}" for p in persons} - {
        f"weiwen:2027:{p.pk}" for p in covered["stopped"].persons.all()
    }
    assert all(ln.program == "weiwen" and ln.entitlement_id is None and ln.payee_name != FUND_PAYEE for ln in weiwen)
    # 资助参保 2027: the whole 400 for 特困, half of it for 低保, to the insurance fund without an account.
    fund = list(january.lines.filter(kind=LineKind.INSURANCE))
    assert sorted((ln.household_id, ln.amount_fen) for ln in fund) == sorted(
        [(h["urban"], 20000), (h["urban"], 20000), (h["rural"], 20000), (h["tekun"], 40000), (h["other"], 20000)]
    )
    assert {(ln.payee_name, ln.account_enc, ln.account_masked, ln.program) for ln in fund} == {
        (FUND_PAYEE, "", "", "zizhu_canbao")
    }
    assert all(ln.source_key.startswith("canbao:2027:") for ln in fund)
    assert january.total_fen == sum(ln.amount_fen for ln in january.lines.all())
    assert january.line_count == january.lines.count() == 4 + 5 + 5
    # The next month pays none of them again, nor does a township payroll beside the county's.
    assert not generate(approver, county, FEB).lines.filter(kind__in=ONE_OFF).exists()
    township = generate(approver, county, JAN, region=county.township_a)
    assert township.line_count == 0


def test_a_programme_payroll_carries_only_its_one_offs(county, covered, approver):
    assert not generate(approver, county, JAN, program="dibao_rural").lines.filter(kind__in=ONE_OFF).exists()
    weiwen = generate(approver, county, JAN, program="weiwen")
    assert weiwen.line_count == 5 and set(weiwen.lines.values_list("kind", flat=True)) == {LineKind.ONE_OFF}
    fund = generate(approver, county, JAN, program="zizhu_canbao")
    assert fund.line_count == 5 and fund.total_fen == 120000
    # The all-programme payroll after them adds the regular lines only.
    everything = generate(approver, county, JAN)
    assert not everything.lines.filter(kind__in=ONE_OFF).exists()


def test_moving_the_weiwen_month_within_the_year_does_not_pay_twice(standards, covered, approver, admin):
    january = generate(approver, standards, JAN)
    assert january.lines.filter(kind=LineKind.ONE_OFF).count() == 5
    parameter_add(actor=admin, region=standards.county, key="weiwen.month", value="2", effective_from=FEB, source="t")
    assert not generate(approver, standards, FEB).lines.filter(kind=LineKind.ONE_OFF).exists()


def test_a_region_sets_its_own_months(standards, covered, approver, admin):
    parameter_add(actor=admin, region=standards.county, key="weiwen.month", value="2", effective_from=JAN, source="t")
    parameter_add(
        actor=admin, region=standards.county, key="zizhu_canbao.month", value="12", effective_from=JAN, source="t"
    )
    assert not generate(approver, standards, JAN).lines.filter(kind__in=ONE_OFF).exists()
    february = generate(approver, standards, FEB)
    assert february.lines.filter(kind=LineKind.ONE_OFF).count() == 5
    assert not february.lines.filter(kind=LineKind.INSURANCE).exists()
    with pytest.raises(ValidationError):
        parameter_add(
            actor=admin, region=standards.county, key="weiwen.month", value="13", effective_from=FEB, source="t"
        )


def test_insurance_stays_out_of_the_household_bank_file(county, covered, approver, approver2):
    january = generate(approver, county, JAN)
    january = services.payroll_check(actor=approver2, payroll=january)
    january = services.payroll_approve(actor=approver2, payroll=january)
    bank_file, data = services.bank_file_export(actor=approver2, payroll=january, layout="csv")
    fund_count, fund_fen = fund_summary(january)
    assert (fund_count, fund_fen) == (5, 120000)
    assert bank_file.line_count == 4  # the four paid households, not the fund
    assert bank_file.total_fen == january.total_fen - fund_fen
    assert FUND_PAYEE not in data.decode("utf-8-sig", errors="replace")
    assert set(january.lines.filter(kind=LineKind.INSURANCE).values_list("status", flat=True)) == {LineStatus.PAID}
    # A return failing one household fails its own lines, never the fund's; then the payroll is reconciled.
    urban = covered["urban"].household_id
    data = bank_return_simulate(payroll=january, layout="csv", failures={urban: "账户已销户"})
    services.bank_return_import(actor=approver2, data=data, filename="r.csv", layout="csv")
    lines = PayrollLine.objects.filter(payroll=january, household_id=urban)
    assert set(lines.exclude(kind=LineKind.INSURANCE).values_list("status", flat=True)) == {LineStatus.FAILED}
    assert set(lines.filter(kind=LineKind.INSURANCE).values_list("status", flat=True)) == {LineStatus.PAID}
    january.refresh_from_db()
    assert january.status == PayrollStatus.RECONCILED


def test_the_payroll_page_lists_the_fund_apart(client, county, covered, approver, caseworker_b):
    january = generate(approver, county, JAN)
    client.force_login(approver)
    html = client.get(reverse("payments:detail", args=[january.pk])).content.decode()
    assert 'id="payroll-fund"' in html and FUND_PAYEE in html and "1,200.00" in html
    # A township sees its own persons only: township B has one rural 低保 member, 200.00.
    client.force_login(caseworker_b)
    html = client.get(reverse("payments:detail", args=[january.pk])).content.decode()
    assert '<dd id="payroll-fund-count">1</dd>' in html and '<dd id="payroll-fund-total">200.00</dd>' in html
    # The village roster is for the household's signature: the fund's lines are not on it.
    client.force_login(approver)
    roster = client.get(reverse("payments:roster", args=[january.pk, county.village_a2.code]))
    assert roster.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(roster.streaming_content))).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "资助参保" not in cells and "一次性发放" in cells


def test_a_grant_is_paid_once_and_again_only_when_the_bank_returns_it(county, covered, approver, approver2):
    household = covered["urban"].household
    grant = services.one_off_grant_record(
        actor=approver,
        household=household,
        program="linshi",
        amount=Decimal("1500.50"),
        source_key="linshi:99",
        decided_on=D("2026-11-20"),
        note="临时救助 LS-1",
    )
    again = services.one_off_grant_record(
        actor=approver, household=household, program="linshi", amount=Decimal("9"), source_key="linshi:99",
        decided_on=D("2026-11-21"),
    )  # fmt: skip
    assert again.pk == grant.pk and OneOffGrant.objects.count() == 1
    with pytest.raises(ValidationError):
        services.one_off_grant_record(
            actor=approver, household=household, program="linshi", amount=Decimal(0), source_key="linshi:100",
            decided_on=D("2026-11-21"),
        )  # fmt: skip
    december = generate(approver, county, DEC)
    line = december.lines.get(kind=LineKind.ONE_OFF)
    assert (line.amount_fen, line.source_key, line.program, line.note) == (
        150050,
        "linshi:99",
        "linshi",
        "临时救助 LS-1",
    )
    grant.refresh_from_db()
    assert grant.line_id == line.pk
    assert december.total_fen == sum(ln.amount_fen for ln in december.lines.all())
    # Discarding the payroll frees the grant; generating again pays it again, once.
    services.payroll_discard(actor=approver, payroll=december)
    grant.refresh_from_db()
    assert grant.line_id is None
    december = generate(approver, county, DEC)
    assert december.lines.filter(kind=LineKind.ONE_OFF).count() == 1
    # The bank refuses the household's account: the grant waits for the correction, then is paid again.
    december = services.payroll_approve(
        actor=approver2, payroll=services.payroll_check(actor=approver2, payroll=december)
    )
    services.bank_file_export(actor=approver2, payroll=december, layout="csv")
    data = bank_return_simulate(payroll=december, layout="csv", failures={household.pk: "户名不符"})
    services.bank_return_import(actor=approver2, data=data, filename="r.csv", layout="csv")
    grant_lines = PayrollLine.objects.filter(source_key="linshi:99")
    assert not generate(approver, county, JAN).lines.filter(source_key="linshi:99").exists()  # flagged: waits
    services.account_flags_resolve(household=household)
    february = generate(approver, county, FEB)
    assert february.lines.get(source_key="linshi:99").amount_fen == 150050
    assert grant_lines.exclude(status=LineStatus.FAILED).count() == 1
    grant.refresh_from_db()
    assert grant.line.payroll_id == february.pk
    # The returned line is not weighed against the one that paid it later: no recovery, no collection.
    march = generate(approver, county, D("2027-03-01"))
    assert not march.lines.filter(source_key="linshi:99").exists()
    assert not march.lines.filter(kind=LineKind.RECOVERY).exists() and not Collection.objects.exists()


def test_a_grant_decided_after_the_month_waits_for_its_month(county, covered, approver):
    services.one_off_grant_record(
        actor=approver, household=covered["rural"].household, program="linshi", amount=Decimal("800"),
        source_key="linshi:7", decided_on=D("2027-01-05"),
    )  # fmt: skip
    assert not generate(approver, county, DEC).lines.filter(source_key="linshi:7").exists()
    assert generate(approver, county, JAN).lines.filter(source_key="linshi:7").count() == 1


def test_the_weiwen_of_a_refused_account_waits_for_the_correction(county, covered, approver):
    urban = covered["urban"].household
    AccountFlag.objects.create(household=urban, region_code=urban.region_code, reason="账户已冻结")
    january = generate(approver, county, JAN)
    assert not january.lines.filter(household=urban).exclude(kind=LineKind.INSURANCE).exists()
    assert january.lines.filter(kind=LineKind.INSURANCE).count() == 5  # the fund is paid regardless
    assert not generate(approver, county, FEB).lines.filter(household=urban, kind=LineKind.ONE_OFF).exists()
    services.account_flags_resolve(household=urban)
    march = generate(approver, county, D("2027-03-01"))
    weiwen = march.lines.filter(kind=LineKind.ONE_OFF)
    assert sorted(weiwen.values_list("household_id", "amount_fen", "service_month")) == [(urban.pk, 30000, JAN)] * 2
    assert march.lines.filter(household=urban, kind=LineKind.BACKPAY).count() == 2  # January and February
    assert not generate(approver, county, D("2027-04-01")).lines.filter(kind=LineKind.ONE_OFF).exists()


MAR, APR = D("2027-03-01"), D("2027-04-01")
OCT, NOV = D("2026-10-01"), D("2026-11-01")


def jiage(payroll):
    return payroll.lines.filter(kind=LineKind.ONE_OFF, program="jiage_butie")


def expected_jiage(covered, month, urban_fen, rural_fen):
    """Per covered person of the month: the standard of the household's area × the rise, in fen."""
    return {
        (f"jiage:{month:%Y%m}:{p.pk}", e.household_id, urban_fen if e.household.area == "urban" else rural_fen)
        for name, e in covered.items()
        if name != "stopped"
        for p in e.persons.all()
    }


def test_the_price_subsidy_is_paid_each_month_the_cpi_triggers_it_never_twice(county, covered, approver, admin):
    parameter_add(actor=admin, region=county.county, key="jiage.cpi_yoy", value="4", effective_from=MAR, source="t")
    assert not jiage(generate(approver, county, FEB)).exists()
    march = generate(approver, county, MAR)
    lines = list(jiage(march))
    # 4 % ≥ the 3.5 % trigger: 528 × 4 % = 21.12 urban, 396 × 4 % = 15.84 rural, per person.
    want = expected_jiage(covered, MAR, 2112, 1584)
    assert {(ln.source_key, ln.household_id, ln.amount_fen) for ln in lines} == want and len(lines) == 5
    assert {"urban", "rural"} <= {covered[k].household.area for k in ("urban", "rural")}
    assert all(ln.entitlement_id is None and ln.service_month == MAR and "4%" in plain(ln.note) for ln in lines)
    # The same month is not paid again beside it; the next month, still triggered, pays again.
    assert not jiage(generate(approver, county, MAR, region=county.township_a)).exists()
    april = generate(approver, county, APR)
    assert {(ln.source_key, ln.household_id, ln.amount_fen) for ln in jiage(april)} == expected_jiage(
        covered, APR, 2112, 1584
    )
    assert PayrollLine.objects.filter(program="jiage_butie").count() == 10


def test_the_food_cpi_alone_triggers_the_price_subsidy(county, covered, approver, admin):
    for key, value in (("jiage.cpi_yoy", "2"), ("jiage.food_cpi_yoy", "6.5")):
        parameter_add(actor=admin, region=county.county, key=key, value=value, effective_from=MAR, source="t")
    lines = list(jiage(generate(approver, county, MAR)))
    # The food rise triggered: 528 × 6.5 % = 34.32 urban, 396 × 6.5 % = 25.74 rural.
    assert {(ln.source_key, ln.household_id, ln.amount_fen) for ln in lines} == expected_jiage(covered, MAR, 3432, 2574)
    assert all("6.5%" in plain(ln.note) for ln in lines)


def test_rises_below_the_triggers_pay_no_price_subsidy(county, covered, approver, admin):
    for key, value in (("jiage.cpi_yoy", "3.4"), ("jiage.food_cpi_yoy", "5.9")):
        parameter_add(actor=admin, region=county.county, key=key, value=value, effective_from=MAR, source="t")
    assert not jiage(generate(approver, county, MAR)).exists()


def returned(approver2, payroll, household, reason="账户已销户"):
    """Checks, approves and exports `payroll`, then imports a return that fails `household`'s lines."""
    payroll = services.payroll_approve(
        actor=approver2, payroll=services.payroll_check(actor=approver2, payroll=payroll)
    )
    services.bank_file_export(actor=approver2, payroll=payroll, layout="csv")
    data = bank_return_simulate(payroll=payroll, layout="csv", failures={household.pk: reason})
    services.bank_return_import(actor=approver2, data=data, filename=f"r{payroll.pk}.csv", layout="csv")


def test_a_returned_price_subsidy_is_paid_again_once_after_the_correction(county, covered, approver, approver2, admin):
    parameter_add(actor=admin, region=county.county, key="jiage.cpi_yoy", value="4", effective_from=MAR, source="t")
    urban = covered["urban"].household
    persons = sorted(covered["urban"].persons.values_list("pk", flat=True))
    march = generate(approver, county, MAR)
    returned(approver2, march, urban)
    assert set(jiage(march).filter(household=urban).values_list("status", flat=True)) == {LineStatus.FAILED}
    # While the account waits for its correction nothing of the household is paid, the price subsidy neither.
    april = generate(approver, county, APR)
    assert not april.lines.filter(household=urban).exists()
    services.account_flags_resolve(household=urban)
    may = generate(approver, county, D("2027-05-01"))
    # March's returned lines and April's held-back ones are paid for their months, beside May's own.
    got = sorted(jiage(may).filter(household=urban).values_list("source_key", "service_month", "amount_fen"))
    want = sorted((f"jiage:{m:%Y%m}:{p}", m, 2112) for m in (MAR, APR, D("2027-05-01")) for p in persons)
    assert got == want
    assert may.lines.filter(household=urban, kind=LineKind.BACKPAY).count() == 2  # March and April, as regular
    assert may.total_fen == sum(may.lines.values_list("amount_fen", flat=True))
    # Once only: the next month pays none of them again, and the database refuses a second paying line.
    june = generate(approver, county, D("2027-06-01"))
    assert not jiage(june).filter(service_month__lt=D("2027-06-01")).exists()
    for key in (f"jiage:202703:{persons[0]}", f"jiage:202704:{persons[0]}"):
        assert PayrollLine.objects.filter(source_key=key).exclude(status=LineStatus.FAILED).count() == 1
    again = PayrollLine.objects.filter(source_key=f"jiage:202703:{persons[0]}", payroll=may).get()
    again.pk, again.payroll = None, june
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_every_returned_one_off_is_paid_again_once(county, covered, approver, approver2):
    """The 春节慰问金 returned by the bank (not held back: paid, then refused) is paid again once the account
    is corrected, for its month, once; the fund's 资助参保 line was never the household's to fail."""
    rural = covered["rural"].household
    january = generate(approver, county, JAN)
    returned(approver2, january, rural, reason="户名不符")
    failed = january.lines.filter(household=rural, kind=LineKind.ONE_OFF)
    assert failed.count() == 1 and failed.get().status == LineStatus.FAILED
    services.account_flags_resolve(household=rural)
    february = generate(approver, county, FEB)
    again = february.lines.filter(household=rural, kind=LineKind.ONE_OFF).get()
    assert (again.source_key, again.service_month, again.amount_fen) == (
        failed.get().source_key,
        JAN,
        failed.get().amount_fen,
    )
    assert not generate(approver, county, MAR).lines.filter(household=rural, kind=LineKind.ONE_OFF).exists()


def test_a_price_subsidy_paid_after_a_death_found_late_is_recovered_once(
    county, covered, approver, admin, caseworker_a
):
    """价格临时补贴 is paid per person alive at the start of the month. A death recorded late, dated in
    October, makes November's subsidy for that person an overpayment: recovered in the next payroll from what
    the household still receives, or put on the collection list — once, whichever payrolls follow."""
    parameter_add(actor=admin, region=county.county, key="jiage.cpi_yoy", value="4", effective_from=OCT, source="t")
    generate(approver, county, OCT)
    generate(approver, county, NOV)
    urban, widow = covered["urban"].household, covered["rural"].household
    wife = urban.members.get(name="刘桂兰")
    person_update(actor=caseworker_a, person=wife, date_of_death=D("2026-10-15"))  # her husband lives on
    alone = widow.members.get()
    person_update(actor=caseworker_a, person=alone, date_of_death=D("2026-10-15"))  # her 低保 stops after October
    december = generate(approver, county, DEC)

    def recovered(payroll, household):
        rows = payroll.lines.filter(household=household, program="jiage_butie", kind=LineKind.RECOVERY)
        return sorted(rows.values_list("source_key", "service_month", "amount_fen"))

    # October was due (alive on its first day), November was not.
    assert recovered(december, urban) == [(f"jiage:202611:{wife.pk}", NOV, -2112)]
    note = plain(december.lines.get(household=urban, kind=LineKind.RECOVERY).note)
    assert "死亡扣回" in note and "价格临时补贴" in note, note
    # The husband's subsidy and the household's regular pay are untouched; the household still gets money.
    assert december.lines.filter(household=urban, program="jiage_butie", kind=LineKind.ONE_OFF).count() == 1
    assert sum(december.lines.filter(household=urban).values_list("amount_fen", flat=True)) == 52800 + 2112 - 2112
    # The widow receives nothing more: her subsidy goes to the collection list beside her 低保's month.
    assert recovered(december, widow) == []
    owed = Collection.objects.filter(household=widow, source_key__startswith="jiage:")
    assert list(owed.values_list("source_key", "amount_fen", "cause")) == [(f"jiage:202611:{alone.pk}", 1584, "death")]
    assert owed.get().region_code == widow.region_code
    # A township's payroll of the same month beside it, and the next month: nothing recovered twice.
    township = generate(approver, county, DEC, region=county.township_a)
    january = generate(approver, county, JAN)
    for payroll in (township, january):
        assert not payroll.lines.filter(program="jiage_butie", kind=LineKind.RECOVERY).exists()
    assert Collection.objects.filter(household=widow, source_key__startswith="jiage:").count() == 1
