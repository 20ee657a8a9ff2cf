import datetime as dt

from jiuzhu.portal import ratelimit
from jiuzhu.portal.models import RateCounter


def test_a_new_window_starts_counting_afresh(db, settings):
    settings.PORTAL_RATE_LIMITS = {"apply": (2, 60)}
    t0 = dt.datetime(2025, 6, 10, 8, 0, 5, tzinfo=dt.UTC)
    assert [ratelimit.hit(scope="apply", key="1.2.3.4", now=t0) for _ in range(3)] == [True, True, False]
    assert ratelimit.hit(scope="apply", key="1.2.3.4", now=t0 + dt.timedelta(seconds=60))
    assert ratelimit.hit(scope="apply", key="5.6.7.8", now=t0)


def test_counts_live_in_the_database_so_every_worker_sees_them(db, settings):
    settings.PORTAL_RATE_LIMITS = {"complaint": (1, 3600)}
    now = dt.datetime(2025, 6, 10, 8, 0, tzinfo=dt.UTC)
    ratelimit.hit(scope="complaint", key="1.2.3.4", now=now)
    assert RateCounter.objects.get().count == 1
    assert not ratelimit.hit(scope="complaint", key="1.2.3.4", now=now)


def test_the_apply_post_is_limited(client, standards, settings):
    from django.urls import reverse

    from jiuzhu.portal.tests.conftest import application

    settings.PORTAL_RATE_LIMITS = {"apply": (1, 3600)}
    url = reverse("portal:apply")
    assert client.post(url, application(standards.village_a2.code)).status_code == 200
    refused = client.post(url, application(standards.village_a2.code))
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
