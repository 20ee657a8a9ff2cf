"""Personal data at rest: AES-GCM encryption, a keyed hash for exact lookups, masks for display.

The key is 64 bytes of hex from settings.PII_KEY: the first 32 bytes encrypt, the last 32 key the HMAC.
A lookup hash lets "find by ID number" stay an index seek without storing the number in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(key_hex: str) -> tuple[AESGCM, bytes]:
    try:
        raw = bytes.fromhex(key_hex)
    except ValueError:
        raise ImproperlyConfigured(
            "PII_KEY is not a hex key: run any `jiuzhu` command once to create <data dir>/pii_key, "
            "or point JIUZHU_PII_KEY_FILE at the county's key"
        ) from None
    if not raw:
        raise ImproperlyConfigured("PII_KEY is empty")
    if len(raw) < 64:
        raw = hashlib.sha512(raw).digest()
    return AESGCM(raw[:32]), raw[32:64]


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.PII_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    aes, _ = _current()
    nonce = os.urandom(12)
    return _PREFIX + base64.b64encode(nonce + aes.encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    aes, _ = _current()
    blob = base64.b64decode(token.removeprefix(_PREFIX))
    return aes.decrypt(blob[:12], blob[12:], None).decode()


def decrypt_many(tokens: list[str]) -> list[str]:
    """decrypt over a list (a bank file's million accounts): the key is looked up once, not per value."""
    aes, _ = _current()
    dec, b64 = aes.decrypt, base64.b64decode
    out = []
    for token in tokens:
        if not token:
            out.append("")
            continue
        blob = b64(token.removeprefix(_PREFIX))
        out.append(dec(blob[:12], blob[12:], None).decode())
    return out


def lookup_hash(value: str) -> str:
    """32 hex characters; equal values give equal hashes, nothing else can be learnt from them."""
    if not value:
        return ""
    _, mac_key = _current()
    return hmac.new(mac_key, value.encode(), hashlib.sha256).hexdigest()[:32]


def mask_id(number: str) -> str:
    """330727********123X"""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678"""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_account(account: str) -> str:
    """****************1234"""
    if len(account) <= 4:
        return "*" * len(account)
    return "*" * (len(account) - 4) + account[-4:]


def mask_name(name: str) -> str:
    """张*三, 李*: what a public notice may show."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
