import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from jiuzhu.payments import services
from jiuzhu.payments.models import EntitlementStatus
from jiuzhu.payments.selectors import entitlements_paying, entitlements_visible
from jiuzhu.registry.models import Relation

D = dt.date.fromisoformat


@pytest.fixture
def entitlement(county, make_household, approver):
    hh = make_household(county.village_a1, [("王建国", D("1948-02-03"), Relation.SELF, {})])
    return services.entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_urban",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("528"),
        start_month=D("2025-07-15"),
    )


def test_months_are_stored_as_their_first_day(entitlement):
    assert entitlement.start_month == D("2025-07-01")
    assert entitlement.pays_in(D("2025-07-31")) and not entitlement.pays_in(D("2025-06-30"))


def test_suspension_and_stop_take_effect_next_month(entitlement, approver):
    ent = services.entitlement_suspend(actor=approver, entitlement=entitlement, reason="外出未归", on=D("2025-08-20"))
    assert ent.suspended_from == D("2025-09-01")
    assert ent.pays_in(D("2025-08-01")) and not ent.pays_in(D("2025-09-01"))
    ent = services.entitlement_stop(actor=approver, entitlement=ent, reason="死亡", on=D("2025-10-03"))
    assert ent.status == EntitlementStatus.STOPPED and ent.end_month == D("2025-10-01")
    with pytest.raises(ValidationError):
        services.entitlement_stop(actor=approver, entitlement=ent, reason="x", on=D("2025-12-03"))


def test_only_the_county_decides_and_reasons_are_required(entitlement, caseworker_a, approver):
    with pytest.raises(PermissionDenied):
        services.entitlement_stop(actor=caseworker_a, entitlement=entitlement, reason="x")
    with pytest.raises(ValidationError):
        services.entitlement_suspend(actor=approver, entitlement=entitlement, reason=" ")


def test_payroll_reads_what_is_paid_in_a_month(entitlement, approver):
    assert list(entitlements_paying(month=D("2025-07-01"))) == [entitlement]
    services.entitlement_stop(actor=approver, entitlement=entitlement, reason="收入超标", on=D("2025-07-10"))
    assert list(entitlements_paying(month=D("2025-08-01"))) == []


def test_the_other_township_does_not_see_it(entitlement, caseworker_b, caseworker_a):
    assert entitlements_visible(user=caseworker_b).count() == 0
    assert entitlements_visible(user=caseworker_a).count() == 1


def test_a_row_without_its_parent_is_refused_by_the_database(entitlement, approver):
    """Entitlements, covered persons and events: their parents are checked by triggers (migration 0009), not
    by deferred foreign keys, on insert and on a change of the key."""
    from jiuzhu.payments.models import Entitlement, EntitlementEvent, EntitlementPerson

    missing = 10**9
    person = entitlement.covered.get()
    event = entitlement.events.get()
    rows = [
        (Entitlement, entitlement.pk, ("household_id", "previous_id", "created_by_id", "source_case_id")),
        (EntitlementPerson, person.pk, ("entitlement_id", "person_id")),
        (EntitlementEvent, event.pk, ("entitlement_id", "created_by_id")),
    ]
    for model, pk, fields in rows:
        for field in fields:
            orphan = model.objects.get(pk=pk)
            orphan.pk = None
            if model is Entitlement:
                orphan.previous_id = None  # one link follows another once
            setattr(orphan, field, missing)
            with pytest.raises(IntegrityError), transaction.atomic():
                orphan.save()
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=pk).update(**{field: missing})
    # Changing something else, or a key to a row that exists, is allowed.
    Entitlement.objects.filter(pk=entitlement.pk).update(reason="x", created_by_id=approver.pk)
    assert Entitlement.objects.count() == 1 and EntitlementPerson.objects.count() == 1
    assert EntitlementEvent.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_parent_still_referred_to_cannot_be_deleted_behind_django(entitlement, approver):
    from jiuzhu.payments.models import Entitlement

    raised = services.entitlement_change_amount(
        actor=approver, entitlement=entitlement, monthly_amount=Decimal("560"), reason="提标", on=D("2025-09-01")
    )
    person = raised.covered.get()
    for table, pk in (
        ("registry_household", entitlement.household_id),
        ("registry_person", person.person_id),
        ("payments_entitlement", entitlement.pk),  # the next link's previous
        ("payments_entitlement", raised.pk),  # its persons and events
        ("accounts_user", approver.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    with connection.cursor() as cur:  # the children first, then the parent: allowed
        cur.execute("DELETE FROM payments_entitlementperson WHERE entitlement_id = %s", [raised.pk])
        cur.execute("DELETE FROM payments_entitlementevent WHERE entitlement_id = %s", [raised.pk])
        cur.execute("DELETE FROM payments_entitlement WHERE id = %s", [raised.pk])
    assert not Entitlement.objects.filter(pk=raised.pk).exists()
