"""What every request pays (issue #11, load): the session's user comes with its region in one query, choice
labels are read once per field and still follow the user's language, the menu's URLs are reversed once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import translation

from jiuzhu.accounts.backends import LockoutBackend
from jiuzhu.registry.models import Relation


def test_the_sessions_user_comes_with_its_region(caseworker_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = LockoutBackend().get_user(caseworker_a.pk)
        assert user is not None
        assert user.region.name and user.scope_prefix == caseworker_a.region.prefix


def test_an_inactive_user_has_no_session_user(caseworker_a):
    caseworker_a.is_active = False
    caseworker_a.save()
    assert LockoutBackend().get_user(caseworker_a.pk) is None


def test_a_logged_in_page_reads_the_user_and_region_once(client, caseworker_a, django_assert_max_num_queries):
    client.force_login(caseworker_a)
    response = client.get(reverse("registry:search"))  # no query: the page's own reads are the region list
    assert response.status_code == 200
    assert get_user(response.wsgi_request).pk == caseworker_a.pk
    with django_assert_max_num_queries(3):  # session, user with region, the search form's areas
        client.get(reverse("registry:search"))


def test_choice_labels_follow_the_language_of_each_call(county, make_household):
    household = make_household(county.village_a1, [("张三", dt.date(1960, 5, 1), Relation.SELF, {})])
    person = household.members.get()
    with translation.override("zh-hans"):
        assert person.get_relation_display() == "户主"
        assert person.get_sex_display() in ("男", "女")
    with translation.override("en"):
        assert person.get_relation_display() == "Head of household"
        assert person.get_sex_display() in ("Male", "Female")
    person.relation = "not-a-choice"
    assert person.get_relation_display() == "not-a-choice"  # Django's answer for a value outside the choices


def test_the_menu_links_each_page(client, caseworker_a):
    client.force_login(caseworker_a)
    for _ in range(2):  # the second page's menu comes from the reversed URLs kept from the first
        nav = client.get(reverse("core:home")).context["nav"]
        urls = [sub["url"] for item in nav for sub in item.get("entries", [item])]
        assert reverse("registry:search") in urls and reverse("cases:todo") in urls


def test_an_expired_session_is_no_session(client, caseworker_a):
    """core.sessions reads the session by its key alone and checks its expiry itself, as Django's store does."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(caseworker_a)
    assert client.get(reverse("registry:search")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("registry:search"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
