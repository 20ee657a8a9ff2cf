"""The query code (查询码) of an online application: random, shown to the family once, kept as a keyed hash
bound to the case number."""

from __future__ import annotations

import secrets

from jiuzhu.core import pii

# No 0/O, 1/I/L: read aloud over the phone or copied from a screenshot without doubt. 8 of 31 ≈ 40 bits.
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_LENGTH = 8


def query_code_new() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _i in range(QUERY_LENGTH))


def query_code_hash(*, number: str, code: str) -> str:
    """Keyed (naming its key, core.pii.secret_hash), and bound to the case number: the same code on two cases
    hashes differently."""
    return pii.secret_hash(_secret(number, code))


def _secret(number: str, code: str) -> str:
    return f"case-query:{number.strip()}:{code.strip().upper()}"


def query_code_matches(*, number: str, code: str, stored: str) -> bool:
    """Hashed and compared even when nothing is stored, so an unknown number costs what a wrong code costs."""
    return pii.secret_hash_matches(_secret(number, code or "-"), stored)
