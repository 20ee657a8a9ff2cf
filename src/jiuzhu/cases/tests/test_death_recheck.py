import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.test import Client
from django.utils import timezone

from jiuzhu.cases.models import Review
from jiuzhu.payments.services import entitlement_create
from jiuzhu.registry.services import person_update


def test_recording_a_death_in_the_registry_schedules_a_recheck(dibao_household, approver, caseworker_a):
    members = list(dibao_household.members.all())
    entitlement = entitlement_create(
        actor=approver,
        household=dibao_household,
        program="dibao_urban",
        persons=members,
        monthly_amount=Decimal("1200.00"),
        start_month=dt.date(2025, 7, 1),
    )
    person_update(actor=caseworker_a, person=members[1], date_of_death=timezone.localdate() - dt.timedelta(days=3))
    review = Review.objects.get(entitlement=entitlement)
    assert review.due_date <= timezone.localdate() + dt.timedelta(days=93)
    assert members[1].name in review.note
    # On the township's to-do list now, not only when its three months are nearly over.
    from django.urls import reverse

    from jiuzhu.cases.selectors import reviews_due

    assert review in reviews_due(user=caseworker_a, until=timezone.localdate())
    client = Client()
    client.force_login(caseworker_a)
    assert reverse("cases:review", args=[review.pk]) in client.get(reverse("cases:todo")).content.decode()
    # Correcting another field afterwards does not schedule a second re-check.
    person_update(actor=caseworker_a, person=members[1], illness_name="肺癌")
    assert Review.objects.filter(entitlement=entitlement).count() == 1


def test_cases_reacts_to_a_death_through_the_registry_hook_only():
    from jiuzhu.cases.services import recheck_on_death
    from jiuzhu.registry import hooks

    assert recheck_on_death in hooks._ON_DEATH
    source = (Path(hooks.__file__).parent / "services.py").read_text(encoding="utf-8")
    assert "jiuzhu.cases" not in source
