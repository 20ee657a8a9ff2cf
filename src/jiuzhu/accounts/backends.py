"""Password login with lockout after repeated failures.

Design (issue #11 item 5):
- An attempt is counted *before* the password is checked, by one conditional UPDATE
  (`attempts = attempts + 1 WHERE attempts < limit AND not locked`), atomic on both databases: however many
  guesses arrive at once, at most `JIUZHU_LOGIN_MAX_FAILURES` passwords are ever checked before the lock.
- The counter is per (username as typed, client address): a guesser elsewhere cannot lock a colleague out,
  and the lock answers the same for a username that does not exist (no password check, same message), so the
  sixth attempt does not reveal whether an account exists. An unknown username also costs one password hash,
  as a real check does (ModelBackend does that; the old extra hash made unknown names *slower*).
- A success clears the pair's counter. `User.locked_until` is still written when some address locks the
  account, for the users page and the audit log; logging in is decided by the pair alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from jiuzhu.accounts.models import LoginThrottle, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.prepared import prepared

# The session's user, read on every request: compiled once per process (core.prepared).
_user_with_region = prepared(lambda pk: User.objects.select_related("region").filter(pk=pk))


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        self.until = until


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    header = settings.JIUZHU_CLIENT_IP_HEADER
    value = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    return str(value).split(",")[0].strip()[:45]


def _throttle_key(username: str, address: str) -> str:
    return hashlib.sha256(f"{username.casefold()}\x00{address}".encode()).hexdigest()


def _take_attempt(key: str, address: str, now: dt.datetime) -> None:
    """Count one attempt for the pair, or raise AccountLocked when the pair may not try now."""
    try:
        with transaction.atomic():
            LoginThrottle.objects.get_or_create(key=key, defaults={"address": address})
    except IntegrityError:
        pass  # a parallel attempt created the row
    limit = settings.JIUZHU_LOGIN_MAX_FAILURES
    not_locked = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    # A lock that has run out starts a fresh count.
    LoginThrottle.objects.filter(key=key, locked_until__lte=now).update(attempts=0, locked_until=None)
    taken = LoginThrottle.objects.filter(not_locked, key=key, attempts__lt=limit).update(attempts=F("attempts") + 1)
    if not taken:
        row = LoginThrottle.objects.filter(key=key).values_list("locked_until", flat=True).first()
        raise AccountLocked(row or now + dt.timedelta(minutes=settings.JIUZHU_LOGIN_LOCK_MINUTES))


def _failed(key: str, user: User | None, now: dt.datetime) -> None:
    """After a wrong password: lock the pair once its attempts reach the limit."""
    until = now + dt.timedelta(minutes=settings.JIUZHU_LOGIN_LOCK_MINUTES)
    locked = LoginThrottle.objects.filter(
        key=key, attempts__gte=settings.JIUZHU_LOGIN_MAX_FAILURES, locked_until__isnull=True
    ).update(locked_until=until)
    if user is None:
        return
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    if locked:
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
        audit_record(actor=user, action=AuditAction.LOCKED, object_type="user", object_id=user.pk)
    else:
        audit_record(actor=user, action=AuditAction.LOGIN_FAILED, object_type="user", object_id=user.pk)


class LockoutBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if not username or password is None:
            return None
        now = timezone.now()
        address = client_address(request)
        key = _throttle_key(username, address)
        _take_attempt(key, address, now)
        user = User.objects.filter(username=username).first()
        authed = super().authenticate(request, username=username, password=password, **kw)
        # For an unknown username ModelBackend hashes the password once, as for a real check: same timing.
        if authed is None:
            _failed(key, user, now)
            return None
        LoginThrottle.objects.filter(key=key).delete()
        if user is not None and (user.failed_logins or user.locked_until):
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        return authed

    def get_user(self, user_id: Any) -> User | None:
        """The session's user with their region in the same query: every page reads the region (the scope of
        each list, the name in the top bar), which would otherwise be a second query per request."""
        try:
            found = _user_with_region(int(user_id))
        except (TypeError, ValueError):
            return None
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
