"""The 提标 apply button: shown on the impact page of a saved change, runs for the user's region only."""

import datetime as dt

from django.urls import reverse

from jiuzhu.payments.models import Entitlement
from jiuzhu.payments.tests.test_recompute import raise_standard

D = dt.date.fromisoformat


def test_the_impact_page_of_a_saved_change_offers_apply(client, standards, dibao, admin):
    raise_standard(standards, admin, "600")
    client.force_login(admin)
    page = client.get(reverse("policy:impact") + "?date=2026-04-01")
    assert page.status_code == 200
    assert reverse("payments:recompute") in page.content.decode()
    done = client.post(reverse("payments:recompute"), {"effective_from": "2026-04-01"}, follow=True)
    assert done.status_code == 200
    assert "调高 1 项待遇" in done.content.decode()
    assert Entitlement.objects.get(previous=dibao).start_month == D("2026-04-01")


def test_a_fall_is_shown_for_decision(client, standards, dibao, admin):
    raise_standard(standards, admin, "500")
    client.force_login(admin)
    done = client.post(reverse("payments:recompute"), {"effective_from": "2026-04-01"}, follow=True)
    assert dibao.household.number in done.content.decode()


def test_only_who_may_decide_applies(client, standards, dibao, admin, caseworker_a, auditor):
    raise_standard(standards, admin, "600")
    for outsider in (caseworker_a, auditor):
        client.force_login(outsider)
        assert client.post(reverse("payments:recompute"), {"effective_from": "2026-04-01"}).status_code == 403
    client.force_login(admin)
    assert client.post(reverse("payments:recompute"), {"effective_from": "2026-05-01"}).status_code == 400
    assert client.get(reverse("payments:recompute")).status_code == 405
    assert not Entitlement.objects.filter(previous=dibao).exists()
