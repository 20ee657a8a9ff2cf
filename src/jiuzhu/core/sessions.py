"""The database session store, reading a session by a query compiled once per process (core.prepared):
every logged-in request reads its session, and compiling that query cost more than running it."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from jiuzhu.core.prepared import prepared

_by_key = prepared(lambda key: Session.objects.filter(session_key=key))


class SessionStore(db.SessionStore):
    """Django's database sessions; an expired session is no session, as Django's own store has it."""

    def _get_session_from_db(self) -> Session | None:
        found = _by_key(self.session_key) if self.session_key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
