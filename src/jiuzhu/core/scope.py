"""Region scope: every read is limited to the user's region subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q
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


# On SQLite, a scope holding more than this share of a table is read by one pass over the table.
_WIDE_SHARE = 0.3


def wide_scope(model: Any, prefix: str, field: str = "region_code") -> bool:
    """Whether a bulk read of `model`'s rows under `prefix` is better made by one pass over the table: on
    SQLite, when the scope holds most of the table (a county-wide run over a county's database). SQLite
    would otherwise fetch each row through the region index, three times the work at a million rows; the
    index stays for a narrow scope, and PostgreSQL's planner chooses alone."""
    from django.db import connection

    if connection.vendor != "sqlite" or not prefix.isdigit():
        return False
    base = model._default_manager.order_by()
    top = base.aggregate(top=Max("pk"))["top"] or 0
    return top > 0 and base.filter(prefix_q(prefix, field)).count() >= _WIDE_SHARE * top


def pass_prefix_q(prefix: str, field: str = "region_code") -> Q:
    """The rows of prefix_q, as a condition SQLite does not read through the index (LIKE 'prefix%', which its
    default case-insensitive LIKE cannot take from a binary index): one pass over the table."""
    return Q(**{f"{field}__startswith": prefix})


def wide_prefix_q(model: Any, prefix: str, field: str = "region_code") -> Q:
    """prefix_q for a bulk read of `model`'s rows under `prefix`, read in one pass when wide_scope says so."""
    return pass_prefix_q(prefix, field) if wide_scope(model, prefix, field) else prefix_q(prefix, field)
