"""The portal's technical limits, overridable in settings (they are not policy: no region, no date)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


# scope → default limit. "status_number" counts lookups of one case number whatever the IP.
DEFAULT_LIMITS = {
    "apply": Limit(5, 3600),
    "complaint": Limit(10, 3600),
    "status": Limit(20, 600),
    "status_number": Limit(10, 3600),
    "selfcheck": Limit(60, 600),
}


def limit(scope: str) -> Limit:
    overrides: dict[str, tuple[int, int]] = getattr(settings, "PORTAL_RATE_LIMITS", {})
    if scope in overrides:
        return Limit(*overrides[scope])
    return DEFAULT_LIMITS[scope]


def upload_max_bytes() -> int:
    return int(getattr(settings, "PORTAL_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


def upload_max_files() -> int:
    return int(getattr(settings, "PORTAL_UPLOAD_MAX_FILES", 6))


def min_fill_seconds() -> int:
    """A person needs a few seconds to fill a form; a script posting at once is a robot."""
    return int(getattr(settings, "PORTAL_MIN_FILL_SECONDS", 3))
