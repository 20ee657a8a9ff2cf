"""The portal keeps one table of its own: the counters of its rate limiter. Nothing a visitor typed."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Hits of one key (a keyed hash of an IP address or of a case number) in one fixed time window. In the
    database, not in Django's cache, so that every gunicorn worker counts the same hits."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=32)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="portal_rate_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.count}"
