"""Password login with lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        self.until = until


class LockoutBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        if user is not None and user.locked_until and user.locked_until > now:
            raise AccountLocked(user.locked_until)
        authed = super().authenticate(request, username=username, password=password, **kw)
        if user is None:
            # Same work as a real check, so timing does not tell which usernames exist.
            User().set_password(password)
            return None
        if authed is None:
            user.failed_logins += 1
            fields = ["failed_logins"]
            if user.failed_logins >= settings.JIUZHU_LOGIN_MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=settings.JIUZHU_LOGIN_LOCK_MINUTES)
                user.failed_logins = 0
                fields.append("locked_until")
                audit_record(actor=user, action=AuditAction.LOCKED, object_type="user", object_id=user.pk)
            else:
                audit_record(actor=user, action=AuditAction.LOGIN_FAILED, object_type="user", object_id=user.pk)
            user.save(update_fields=fields)
            return None
        if user.failed_logins or user.locked_until:
            user.failed_logins, user.locked_until = 0, None
            user.save(update_fields=["failed_logins", "locked_until"])
        return authed
