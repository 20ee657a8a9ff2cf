"""What an application's documents may be: the checklist of each programme (declared in its entry,
policy/rules/programs/) and the files an upload may hold."""

from __future__ import annotations

from jiuzhu.policy.programs import checklist

ALLOWED_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
# File signatures: the extension alone is the uploader's word, the first bytes are the file's.
MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",)}
MAX_BYTES = 10 * 1024 * 1024

__all__ = ["ALLOWED_TYPES", "MAGIC", "MAX_BYTES", "checklist"]
