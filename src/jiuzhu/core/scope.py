"""Region scope: every read is limited to the user's region subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404


def code_range(prefix: str) -> tuple[str, str]:
    """The inclusive range of 12-digit codes under a prefix: an index range scan on every database."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def scope_q(user: Any, field: str = "region_code") -> Q:
    """A filter on a 12-digit region-code column; matches nothing for a user without a region."""
    prefix = getattr(user, "scope_prefix", None)
    if not prefix:
        return Q(pk__in=[])
    return prefix_q(prefix, field)


def prefix_q(prefix: str, field: str = "region_code") -> Q:
    """Rows whose 12-digit region code lies under a prefix."""
    return Q(**{f"{field}__range": code_range(prefix)})


def in_scope(user: Any, region_code: str) -> bool:
    prefix: str | None = getattr(user, "scope_prefix", None)
    return bool(prefix) and region_code.startswith(prefix or "")


def require_scope(user: Any, region_code: str) -> None:
    """Out-of-scope objects do not exist for this user."""
    if not in_scope(user, region_code):
        raise Http404
