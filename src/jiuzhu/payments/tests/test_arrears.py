"""Back pay and recovery: adjustments() against the month-by-month difference, cap_recoveries() and the
collection list, and the stop a recorded death makes."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.utils import translation

from jiuzhu.core.messages import plain, translated
from jiuzhu.payments import services
from jiuzhu.payments.models import (
    AccountFlag,
    Cause,
    Collection,
    EntitlementEvent,
    EntitlementStatus,
    EventKind,
    LineKind,
    LineStatus,
    Payroll,
    PayrollLine,
    add_months,
)
from jiuzhu.payments.services import arrears
from jiuzhu.payments.services.arrears import LINE_SCHEMA
from jiuzhu.registry.models import Relation
from jiuzhu.registry.services import person_update

D = dt.date.fromisoformat
JAN = D("2026-01-01")


@pytest.fixture(autouse=True, params=["in-lists", "whole-scope"])
def _reading(request, monkeypatch):
    """Every case twice: pairs read by IN lists, and the whole scope narrowed in Polars (a county recompute)."""
    if request.param == "whole-scope":
        monkeypatch.setattr(arrears, "_IN_LIMIT", 0)


def pay(county, entitlements, month: dt.date, **line) -> Payroll:
    """The month's payroll as payroll_generate would leave it: one regular line per entitlement paying."""
    payroll = Payroll.objects.create(month=month, region=county.county, region_code=county.county.code)
    for ent in entitlements:
        if ent.pays_in(month):
            PayrollLine.objects.create(
                payroll=payroll,
                household=ent.household,
                region_code=ent.region_code,
                program=ent.program,
                entitlement=ent,
                kind=LineKind.REGULAR,
                service_month=month,
                amount_fen=int(ent.monthly_amount * 100),
                **line,
            )
    return payroll


def pay_months(county, entitlements, first: dt.date, n: int) -> None:
    for i in range(n):
        pay(county, entitlements, add_months(first, i))


@pytest.fixture
def single(county, make_household, approver):
    hh = make_household(county.village_a1, [("王建国", D("1948-02-03"), Relation.SELF, {})])
    return services.entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_urban",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("528"),
        start_month=JAN,
    )


def test_nothing_is_owed_for_months_before_the_first_payroll(single):
    assert services.adjustments(month=D("2026-07-01"), region_code_prefix="330727").height == 0


def test_back_pay_equals_the_month_by_month_difference(county, single, approver):
    pay_months(county, [single], JAN, 6)  # January to June paid at 528
    # A 提标 saved in July, effective from April: 560 from April on, the old amount ends in March.
    new = services.entitlement_change_amount(
        actor=approver,
        entitlement=single,
        monthly_amount=Decimal("560.50"),
        reason="提标",
        on=D("2026-03-15"),
        cause=Cause.RECOMPUTE,
    )
    assert new.start_month == D("2026-04-01")
    event = EntitlementEvent.objects.get(entitlement=new)
    assert (event.kind, event.cause, event.amount_before, event.amount_after) == (
        EventKind.AMOUNT,
        Cause.RECOMPUTE,
        Decimal("528.00"),
        Decimal("560.50"),
    )
    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727")
    assert lines.schema == pl.Schema(LINE_SCHEMA)
    assert lines.select("service_month", "kind", "amount_fen", "entitlement_id").rows() == [
        (D("2026-04-01"), "backpay", 3250, new.pk),
        (D("2026-05-01"), "backpay", 3250, new.pk),
        (D("2026-06-01"), "backpay", 3250, new.pk),
    ]
    assert plain(lines["note"].to_list()[0]) == "2026-04 提标补发"
    with translation.override("en"):  # the household page's ledger in English
        assert translated(lines["note"].to_list()[0]) == "2026-04 Back pay (standard raise)"
    # Once the back pay is in a payroll, the next month owes nothing more.
    july = pay(county, [new], D("2026-07-01"))
    for row in lines.iter_rows(named=True):
        PayrollLine.objects.create(
            payroll=july,
            household_id=row["household_id"],
            region_code=new.region_code,
            program=row["program"],
            entitlement_id=row["entitlement_id"],
            kind=row["kind"],
            service_month=row["service_month"],
            amount_fen=row["amount_fen"],
        )
    assert services.adjustments(month=D("2026-08-01"), region_code_prefix="330727").height == 0


def test_a_normal_month_reads_no_entitlement_that_did_not_change(county, single):
    pay_months(county, [single], JAN, 6)
    assert services.adjustments(month=D("2026-07-01"), region_code_prefix="330727").height == 0


def test_a_death_found_late_is_recovered_and_what_is_left_goes_to_collection(county, single, caseworker_a):
    pay_months(county, [single], JAN, 6)
    person = single.household.members.get()
    person_update(actor=caseworker_a, person=person, date_of_death=D("2026-03-10"))
    single.refresh_from_db()
    assert single.status == EntitlementStatus.STOPPED and single.end_month == D("2026-03-01")
    assert EntitlementEvent.objects.filter(entitlement=single, cause=Cause.DEATH).count() == 1

    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727")
    assert lines.select("service_month", "kind", "amount_fen").rows() == [
        (D("2026-04-01"), "recovery", -52800),
        (D("2026-05-01"), "recovery", -52800),
        (D("2026-06-01"), "recovery", -52800),
    ]
    assert plain(lines["note"].to_list()[0]) == "2026-04 死亡扣回"
    # Nothing else is paid to the household: nothing to recover from, all of it to the collection list.
    kept, collections = services.cap_recoveries(lines, payroll_month=D("2026-07-01"))
    assert kept.height == 0
    assert collections["amount_fen"].sum() == 3 * 52800
    assert set(collections["cause"]) == {Cause.DEATH.value}
    july = Payroll.objects.create(month=D("2026-07-01"), region=county.county, region_code=county.county.code)
    assert services.collections_insert(collections=collections, payroll=july) == 3
    assert Collection.objects.filter(household=single.household).count() == 3
    # The collection list settles those months: the next payroll does not recover them again.
    assert services.adjustments(month=D("2026-08-01"), region_code_prefix="330727").height == 0


def test_recovery_never_takes_the_household_below_zero(county, single, approver):
    hh = single.household
    other = services.entitlement_create(
        actor=approver,
        household=hh,
        program="canji_shenghuo",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("100"),
        start_month=JAN,
    )
    pay_months(county, [single, other], JAN, 6)
    services.entitlement_change_amount(
        actor=approver, entitlement=single, monthly_amount=Decimal("500"), reason="收入增加", on=D("2026-04-20")
    )
    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727")
    assert lines.select("service_month", "kind", "amount_fen").rows() == [
        (D("2026-05-01"), "recovery", -2800),
        (D("2026-06-01"), "recovery", -2800),
    ]
    regular = pl.DataFrame(
        [(hh.pk, other.pk, "canji_shenghuo", D("2026-07-01"), "regular", 4000, "")],
        schema=LINE_SCHEMA,
        orient="row",
    )
    kept, collections = services.cap_recoveries(pl.concat([regular, lines]), payroll_month=D("2026-07-01"))
    assert kept.select("kind", "amount_fen").rows() == [("regular", 4000), ("recovery", -2800), ("recovery", -1200)]
    assert kept["amount_fen"].sum() == 0
    assert collections.select("first_month", "amount_fen").rows() == [(D("2026-06-01"), 1600)]


def test_a_returned_line_is_paid_again_once_the_account_is_corrected(county, single):
    pay_months(county, [single], JAN, 5)
    may = PayrollLine.objects.get(entitlement=single, service_month=D("2026-05-01"))
    may.status, may.failure_reason = LineStatus.FAILED, "账户已销户"
    may.save()
    flag = AccountFlag.objects.create(
        household=single.household, region_code=single.region_code, line=may, reason="账户已销户"
    )
    pay(county, [single], D("2026-06-01"))  # June's regular line would be skipped by payroll; here it was paid
    # While the account waits for correction, nothing is added.
    assert services.adjustments(month=D("2026-07-01"), region_code_prefix="330727").height == 0
    flag.resolved_at = dt.datetime.now(tz=dt.UTC)
    flag.save()
    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727")
    assert [(*r[:3], plain(r[3])) for r in lines.select("service_month", "kind", "amount_fen", "note").rows()] == [
        (D("2026-05-01"), "backpay", 52800, "2026-05 账户更正补发"),
    ]


def test_recovery_may_go_below_zero_where_the_parameter_says_so(county, single, admin):
    from jiuzhu.policy.services import parameter_add

    parameter_add(
        actor=admin,
        region=county.county,
        key="payments.recovery.allow_negative",
        value="1",
        effective_from=D("2026-01-01"),
        source="测试",
    )
    lines = pl.DataFrame(
        [(single.household_id, single.pk, "dibao_urban", D("2026-04-01"), "recovery", -100, "x")],
        schema=LINE_SCHEMA,
        orient="row",
    )
    kept, collections = services.cap_recoveries(lines, payroll_month=D("2026-07-01"), region_code=county.county.code)
    assert kept.equals(lines) and collections.height == 0


def test_a_household_entitlement_continues_while_a_covered_member_lives(county, make_household, approver, caseworker_a):
    hh = make_household(
        county.village_a1,
        [("李四", D("1950-01-01"), Relation.SELF, {}), ("王五", D("1952-01-01"), Relation.SPOUSE, {})],
    )
    ent = services.entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_urban",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("1056"),
        start_month=JAN,
    )
    first, second = hh.members.order_by("pk")
    person_update(actor=caseworker_a, person=second, date_of_death=D("2026-02-01"))
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.ACTIVE  # left to the re-check
    person_update(actor=caseworker_a, person=first, date_of_death=D("2026-03-01"))
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.STOPPED and ent.end_month == D("2026-03-01")


def test_a_programme_payroll_gets_its_programme_only(county, single, approver):
    pay_months(county, [single], JAN, 6)
    services.entitlement_change_amount(
        actor=approver, entitlement=single, monthly_amount=Decimal("600"), reason="提标", on=D("2026-04-10")
    )
    AccountFlag.objects.create(household=single.household, region_code=single.region_code, reason="x",
                               resolved_at=dt.datetime.now(tz=dt.UTC))  # fmt: skip
    month = D("2026-07-01")
    assert services.adjustments(month=month, region_code_prefix="330727", program="canji_shenghuo").height == 0
    assert services.adjustments(month=month, region_code_prefix="330727", program="dibao_urban").height == 2
    # Another township's payroll does not see the household.
    assert services.adjustments(month=month, region_code_prefix="330727101").height == 0
