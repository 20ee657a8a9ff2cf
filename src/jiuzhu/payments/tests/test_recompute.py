"""提标 apply: rises re-decided from the effective month as a new link of the chain, back pay following in
the next payroll; falls listed for a person to decide, never lowered here."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from jiuzhu.core.messages import plain, translated
from jiuzhu.payments import services
from jiuzhu.payments.models import Cause, Entitlement, EntitlementEvent, EntitlementStatus, EventKind
from jiuzhu.payments.services.recompute import entitlements_recompute
from jiuzhu.payments.tests.test_arrears import pay_months
from jiuzhu.policy.services import parameter_add

D = dt.date.fromisoformat
KEY = "dibao.standard.urban"


def raise_standard(county, admin, value: str, on: str = "2026-04-01") -> None:
    parameter_add(actor=admin, region=county.county, key=KEY, value=value, effective_from=D(on), source="县政府文件")


def test_a_raise_becomes_a_new_link_from_its_month_and_back_pay(standards, dibao, admin):
    pay_months(standards, [dibao], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert (result.raised, result.monthly_increase, result.for_decision) == (1, Decimal("72.00"), [])
    dibao.refresh_from_db()
    assert dibao.status == EntitlementStatus.STOPPED and dibao.end_month == D("2026-03-01")
    new = Entitlement.objects.get(previous=dibao)
    assert (new.monthly_amount, new.start_month, new.status) == (Decimal("600.00"), D("2026-04-01"), "active")
    assert list(new.persons.all()) == list(dibao.persons.all())
    event = EntitlementEvent.objects.get(entitlement=new)
    assert (event.kind, event.cause, event.amount_before, event.amount_after) == (
        EventKind.AMOUNT,
        Cause.RECOMPUTE,
        Decimal("528.00"),
        Decimal("600.00"),
    )
    # The change names the standard by its label, in the reader's language, never by its key.
    assert plain(event.note) == "提标重新核定（城市低保标准 自 2026-04 起）"
    with translation.override("en"):
        assert "dibao.standard" not in translated(event.note) and "2026-04" in translated(event.note)
    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727")
    assert lines.select("service_month", "kind", "amount_fen").rows() == [
        (D("2026-04-01"), "backpay", 7200),
        (D("2026-05-01"), "backpay", 7200),
        (D("2026-06-01"), "backpay", 7200),
    ]
    assert plain(lines["note"].to_list()[0]) == "2026-04 提标补发"
    # Applying the same date again changes nothing.
    again = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert (again.raised, again.already) == (0, 1)
    assert Entitlement.objects.filter(household=dibao.household).count() == 2


def test_each_entitlement_is_weighed_against_its_own_programme(standards, dibao, approver, admin):
    """A household drawing two programmes: the raise of the 低保 standard changes its 低保 link only; the
    other keeps its amount (the engine computes only the programmes drawn, each link reads its own)."""
    from jiuzhu.payments.tests.conftest import entitle

    other = entitle(approver, dibao.household, "gaoling", "50", "2026-01-01")
    pay_months(standards, [dibao, other], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert (result.evaluated, result.raised, result.monthly_increase) == (2, 1, Decimal("72.00"))
    assert Entitlement.objects.get(previous=dibao).monthly_amount == Decimal("600.00")
    assert not Entitlement.objects.filter(previous=other).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HOT updates and fillfactor are PostgreSQL's")
def test_closing_the_old_links_writes_no_index(standards, dibao, admin):
    """A 提标 closes every link it raises: that UPDATE (status, reason, end_month) must stay a HOT update, on
    a page the table keeps 60 % free (payments 0010, 0012), so no index may hold one of those columns."""
    pay_months(standards, [dibao], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = 'payments_entitlement'")
        assert "fillfactor=40" in (cur.fetchone()[0] or [])
        entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
        # This transaction's own counts (the test runs in one).
        cur.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'payments_entitlement'"
        )
        updated, hot = cur.fetchone()
    assert updated >= 1 and hot == updated


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HOT updates and fillfactor are PostgreSQL's")
def test_closing_full_pages_of_links_stays_a_hot_update(standards, make_household, approver, admin):
    """Links decided one by one (no reason of their own) fill their pages up to the fillfactor; the close of
    every one of them must still fit in the half the page keeps free, so the closed link's row may not grow by
    the 提标's whole reason (it did: about 100 bytes a row, and half the closes of a full page left it)."""
    from jiuzhu.core.messages import msg
    from jiuzhu.payments.tests.conftest import entitle
    from jiuzhu.registry.models import Relation

    for i in range(60):
        hh = make_household(standards.village_a1, [(f"赵{i}", D("1976-05-01"), Relation.SELF, {})])
        entitle(approver, hh, "dibao_urban", "528", "2026-01-01")
    raise_standard(standards, admin, "600")
    stats = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'payments_entitlement'"
    with connection.cursor() as cur:
        cur.execute(stats)
        updated, hot = cur.fetchone()
        result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
        cur.execute(stats)
        after_updated, after_hot = cur.fetchone()
    assert result.raised == 60
    assert after_updated - updated == 60 and after_hot - hot == 60
    # The closed link says why it ended; which standard from which month is on the new link and its event.
    closed = set(Entitlement.objects.filter(status=EntitlementStatus.STOPPED).values_list("reason", flat=True))
    assert closed == {msg("提标重新核定")}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement triggers are PostgreSQL's")
def test_the_parents_the_apply_copies_are_not_checked_again_and_only_those(standards, dibao, admin):
    """The apply tells the insert triggers (payments 0011) which parents its rows copy from existing rows, for
    its own statements only: afterwards, in the same transaction, an orphan row is refused again; and a column
    it does not name (the creator) is checked even while the setting holds."""
    from django.db import IntegrityError, transaction

    pay_months(standards, [dibao], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('jiuzhu.parents_copied', true)")
        assert cur.fetchone()[0] in ("", None)
    orphan = Entitlement.objects.get(pk=dibao.pk)
    orphan.pk, orphan.previous_id, orphan.household_id = None, None, 10**9
    with pytest.raises(IntegrityError), transaction.atomic():
        orphan.save()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('jiuzhu.parents_copied', 'household_id', true)")
        orphan.save()  # the household named as copied: not checked (what the apply relies on)
        transaction.set_rollback(True)
    orphan = Entitlement.objects.get(pk=dibao.pk)
    orphan.pk, orphan.previous_id, orphan.created_by_id = None, None, 10**9
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('jiuzhu.parents_copied', 'household_id', true)")
        orphan.save()


def test_a_fall_is_listed_for_a_person_to_decide_not_applied(standards, dibao, admin):
    raise_standard(standards, admin, "500")
    result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert result.raised == 0
    [row] = result.for_decision
    assert (row.entitlement_id, row.current, row.proposed, row.number) == (
        dibao.pk,
        Decimal("528.00"),
        Decimal("500.00"),
        dibao.household.number,
    )
    dibao.refresh_from_db()
    assert dibao.status == EntitlementStatus.ACTIVE and dibao.end_month is None


def test_apply_needs_a_saved_value_and_the_right_to_decide(standards, dibao, admin, caseworker_a):
    with pytest.raises(ValidationError):
        entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    raise_standard(standards, admin, "600")
    with pytest.raises(PermissionDenied):
        entitlements_recompute(actor=caseworker_a, key=KEY, region=standards.county, effective_from=D("2026-04-01"))


def test_params_set_and_apply_from_the_command_line(standards, dibao, admin):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from jiuzhu.policy.models import Parameter

    out = StringIO()
    args = ["--region", standards.county.code, "--from", "2026-04-01"]
    call_command("params", "set", KEY, "600", *args, "--source", "县政府文件", stdout=out)
    assert Parameter.objects.get(key=KEY, effective_from=D("2026-04-01")).value == "600"
    assert "城市低保标准" in out.getvalue()
    with pytest.raises(CommandError, match="已有取值"):
        call_command("params", "set", KEY, "610", *args, "--source", "县政府文件", stdout=out)
    with pytest.raises(CommandError, match="无权"):
        call_command("params", "set", KEY, "610", "--region", standards.county.code, "--from", "2026-05-01",
                     "--source", "x", "--user", "approver", stdout=out)  # fmt: skip
    call_command("params", "apply", KEY, *args, "--user", admin.username, stdout=out)
    assert "调高 1 项" in out.getvalue()
    assert Entitlement.objects.get(previous=dibao).monthly_amount == Decimal("600.00")


def test_params_set_refuses_a_source_too_long_or_with_a_control_character(standards):
    """The command line, as the system operator, went round the text policy (a bulk insert): a 5 000-character
    依据文件 was a database error on PostgreSQL, and a control character was saved. Now refused as on the page,
    with nothing written."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from jiuzhu.policy.models import Parameter

    args = ["--region", standards.county.code, "--from", "2026-04-01"]
    before = Parameter.objects.count()
    with pytest.raises(CommandError, match="不能超过 300 个字"):
        call_command("params", "set", KEY, "600", *args, "--source", "文" * 5000, stdout=StringIO())
    with pytest.raises(CommandError, match="控制字符"):
        call_command("params", "set", KEY, "600", *args, "--source", "县政府\x01文件", stdout=StringIO())
    assert Parameter.objects.count() == before


def test_an_entitlement_starting_after_the_raise_but_decided_before_it_was_saved_is_raised_too(
    standards, make_household, approver, admin
):
    """A 提标 saved late with an earlier date: an entitlement decided on the old standard that starts after that
    date (May, the raise from April) is re-decided from its own first month, and what it was paid becomes back
    pay; one decided after the raise was saved already has the new standard and is left alone."""
    from jiuzhu.payments.tests.conftest import entitle
    from jiuzhu.registry.models import Relation

    hh = make_household(standards.village_a1, [("钱七", dt.date(1970, 3, 1), Relation.SELF, {})])
    may = entitle(approver, hh, "dibao_urban", "528", "2026-05-01")
    pay_months(standards, [may], D("2026-05-01"), 2)
    raise_standard(standards, admin, "600")
    later = make_household(standards.village_a1, [("孙八", dt.date(1971, 3, 1), Relation.SELF, {})])
    decided_after = entitle(approver, later, "dibao_urban", "600", "2026-06-01")

    result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))

    assert (result.raised, result.monthly_increase, result.for_decision) == (1, Decimal("72.00"), [])
    may.refresh_from_db()
    assert may.status == EntitlementStatus.STOPPED and may.end_month == D("2026-04-01")
    new = Entitlement.objects.get(previous=may)
    assert (new.monthly_amount, new.start_month) == (Decimal("600.00"), D("2026-05-01"))
    assert EntitlementEvent.objects.get(entitlement=new).effective_month == D("2026-05-01")
    decided_after.refresh_from_db()
    assert (decided_after.status, decided_after.monthly_amount) == ("active", Decimal("600.00"))
    lines = services.adjustments(month=D("2026-07-01"), region_code_prefix="330727").filter(
        household_id=hh.pk
    )  # (the later household's June, never paid, is back pay of its own)
    assert lines.select("household_id", "service_month", "kind", "amount_fen").rows() == [
        (hh.pk, D("2026-05-01"), "backpay", 7200),
        (hh.pk, D("2026-06-01"), "backpay", 7200),
    ]
    again = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert again.raised == 0


def test_a_link_changed_while_the_apply_computes_makes_it_change_nothing(
    standards, dibao, approver, admin, monkeypatch
):
    """Someone adjusts an entitlement after the apply has read it and before it writes: the database refuses a
    second successor of that link, and the apply says so in the user's words and writes nothing."""
    from jiuzhu.payments.services import recompute

    pay_months(standards, [dibao], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    computed = recompute._engine_amounts

    def meanwhile(*args, **kwargs):
        out = computed(*args, **kwargs)
        services.entitlement_change_amount(
            actor=approver, entitlement=dibao, monthly_amount=Decimal("540"), reason="复核调整", on=D("2026-05-01")
        )
        return out

    monkeypatch.setattr(recompute, "_engine_amounts", meanwhile)
    with pytest.raises(ValidationError, match="本次未作任何修改"):
        entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert not EntitlementEvent.objects.filter(cause=Cause.RECOMPUTE).exists()


def test_the_reason_names_every_standard_saved_for_that_date(standards, dibao, make_household, approver, admin):
    """The apply re-decides under every value in force from the date: when the county saved the urban and the
    rural standard together, applying the urban one raises the rural households too, and their new link
    must not say it was the urban standard (the demo's rural households did)."""
    from jiuzhu.payments.tests.conftest import entitle
    from jiuzhu.registry.models import Relation

    rural = make_household(standards.village_a2, [("钱七", D("1950-03-01"), Relation.SELF, {})])
    rural_link = entitle(approver, rural, "dibao_rural", "396", "2026-01-01")
    raise_standard(standards, admin, "600")
    parameter_add(
        actor=admin, region=standards.county, key="dibao.standard.rural", value="450",
        effective_from=D("2026-04-01"), source="县政府文件",
    )  # fmt: skip
    result = entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    assert result.raised == 2
    for old in (dibao, rural_link):
        new = Entitlement.objects.get(previous=old)
        assert plain(new.reason) == "提标重新核定（城市低保标准、农村低保标准 自 2026-04 起）", plain(new.reason)
        note = EntitlementEvent.objects.get(entitlement=new).note
        assert plain(note) == plain(new.reason)
        with translation.override("en"):
            assert "dibao.standard" not in translated(note) and "、" not in translated(note)


def test_a_date_with_many_parameters_names_three_and_counts_the_rest(standards, dibao, admin):
    """A county that loads a year's parameters on one date: the reason names three and counts them all,
    within its column (300 characters), in both languages."""
    raise_standard(standards, admin, "600")
    for key, value in (("dibao.standard.rural", "450"), ("gaoling.age80", "60"), ("gaoling.age90", "120"),
                       ("canji.shenghuo", "200")):  # fmt: skip
        parameter_add(
            actor=admin, region=standards.county, key=key, value=value, effective_from=D("2026-04-01"), source="文件"
        )
    entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    reason = Entitlement.objects.get(previous=dibao).reason
    assert plain(reason).startswith("提标重新核定（城市低保标准、") and "等 5 项参数 自 2026-04 起）" in plain(reason)
    assert len(reason) <= 300
    with translation.override("en"):
        assert "and others (5 parameters)" in translated(reason), translated(reason)


def test_a_raise_names_the_old_links_persons_instead_of_copying_them(standards, make_household, approver, admin):
    """A 提标's new link pays for the persons the old link listed without a copy of the list (2.4 million rows at
    a county's 提标): it names the list (persons_of), a second 提标 names the same one, and everything that asks
    whom a link pays for — the link itself, the recipients' counts, the one-offs, the findings' context, the
    stop on a death — reads the list through it."""
    from jiuzhu.matching.rules.context import load_context
    from jiuzhu.payments.models import EntitlementPerson
    from jiuzhu.payments.selectors_recipients import recipient_totals
    from jiuzhu.payments.services.oneoff import _covered_read
    from jiuzhu.payments.tests.conftest import entitle
    from jiuzhu.registry.models import Relation
    from jiuzhu.registry.services import person_update

    hh = make_household(
        standards.village_a1,
        [("钱一", D("1956-05-01"), Relation.SELF, {}), ("孙二", D("1958-07-01"), Relation.SPOUSE, {})],
    )
    first = entitle(approver, hh, "dibao_urban", "1056", "2026-01-01")
    pay_months(standards, [first], D("2026-01-01"), 6)
    raise_standard(standards, admin, "600")
    entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"))
    raise_standard(standards, admin, "650", on="2026-06-01")
    entitlements_recompute(actor=admin, key=KEY, region=standards.county, effective_from=D("2026-06-01"))
    second = Entitlement.objects.get(previous=first)
    third = Entitlement.objects.get(previous=second)
    assert (second.persons_of_id, third.persons_of_id) == (first.pk, first.pk)
    assert first.monthly_amount < second.monthly_amount < third.monthly_amount
    assert EntitlementPerson.objects.filter(entitlement__household=hh).count() == 2  # the first link's two
    members = sorted(hh.members.values_list("pk", flat=True))
    assert sorted(p.pk for p in third.persons.all()) == members
    assert third.persons_link_id == first.pk and first.persons_link_id == first.pk

    running = Entitlement.objects.filter(pk=third.pk)
    assert recipient_totals(running).persons == 2
    assert recipient_totals(Entitlement.objects.filter(household=hh)).persons == 6  # each link counts its own
    july = _covered_read(month=D("2026-07-01"), prefix="330727", programs=["dibao_urban"], households=None)
    assert sorted(july.rows()) == [(p, hh.pk, third.region_code, "dibao_urban") for p in members]
    context = load_context(prefix="330727", today=D("2026-07-15"))
    assert sorted(context.covered.filter(pl.col("entitlement_id") == third.pk)["person_id"].to_list()) == members

    # A death stops the link that pays now, once the last person it pays for has died.
    one, two = hh.members.order_by("pk")
    person_update(actor=admin, person=one, date_of_death=D("2026-07-20"))
    third.refresh_from_db()
    assert third.status == EntitlementStatus.ACTIVE
    person_update(actor=admin, person=two, date_of_death=D("2026-08-03"))
    third.refresh_from_db()
    assert (third.status, third.end_month) == (EntitlementStatus.STOPPED, D("2026-08-01"))


def test_a_list_of_persons_other_links_name_is_never_lost(standards, dibao):
    """persons_of is checked as the other parents are (payments 0014): it must name a link that exists, and a
    link whose list another link names cannot be deleted, by Django or, on PostgreSQL, in SQL."""
    from django.db import IntegrityError, transaction
    from django.db.models import ProtectedError

    fields = {f.attname: getattr(dibao, f.attname) for f in Entitlement._meta.concrete_fields if not f.primary_key}
    sharer = Entitlement.objects.create(**{**fields, "previous_id": None, "persons_of_id": dibao.pk})
    assert [p.pk for p in sharer.persons.all()] == [p.pk for p in dibao.persons.all()]
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.filter(pk=sharer.pk).update(persons_of_id=10**9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(**{**fields, "previous_id": None, "persons_of_id": 10**9})
    with pytest.raises(ProtectedError), transaction.atomic():
        dibao.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM payments_entitlementevent WHERE entitlement_id = %s", [dibao.pk])
            cur.execute("DELETE FROM payments_entitlementperson WHERE entitlement_id = %s", [dibao.pk])
            cur.execute("DELETE FROM payments_entitlement WHERE id = %s", [dibao.pk])
    assert Entitlement.objects.filter(pk=dibao.pk).exists()
