"""A fixed-window rate limiter on a database table (RateCounter): it works across worker processes on SQLite
and PostgreSQL alike. Keys are keyed hashes: no IP address or case number is stored in clear."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from jiuzhu.core import pii
from jiuzhu.portal.conf import limit
from jiuzhu.portal.models import RateCounter


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind a reverse proxy, the proxy sets it (gunicorn's forwarded_allow_ips), never the
    client's own X-Forwarded-For header, which anyone can write."""
    return str(request.META.get("REMOTE_ADDR") or "-")


def _window(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def hit(*, scope: str, key: str, now: dt.datetime | None = None) -> bool:
    """Count one hit of `key` under `scope`; True while the window's limit is not exceeded."""
    rule = limit(scope)
    now = now or timezone.now()
    start = _window(now, rule.seconds)
    hashed = pii.lookup_hash(f"rate:{scope}:{key}")
    with transaction.atomic():
        counter, _created = RateCounter.objects.get_or_create(scope=scope, key=hashed, window_start=start)
        RateCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        count = RateCounter.objects.values_list("count", flat=True).get(pk=counter.pk)
    if counter.pk % 100 == 0:  # now and then, forget windows that ended more than a day ago
        RateCounter.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
    return count <= rule.count


def allowed(request: HttpRequest, scope: str, *extra_keys: str) -> bool:
    """One hit per IP for `scope`, and one per extra key (e.g. the case number looked up). All are counted
    even when the first already refuses, so a refused client keeps being counted."""
    results = [hit(scope=scope, key=client_ip(request))]
    results += [hit(scope=f"{scope}_number", key=k) for k in extra_keys if k]
    return all(results)
