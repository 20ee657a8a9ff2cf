"""Personal data at rest: AES-GCM encryption, a keyed hash for exact lookups, masks for display.

The keys form a keyring (settings.PII_KEY, read from <data dir>/pii_key): one key per line as `<id>:<hex>`,
the first line the current key; a file holding one bare hex key (as every county's did before rotation) is the
keyring of key 1. Each key is 64 bytes of hex: the first 32 bytes encrypt, the last 32 key the HMAC.

- A token names the key that made it (`v<id>:`), so decrypting picks that key; encrypting uses the current one.
  The tokens written before the keyring existed say `v1:` and key 1 reads them.
- A lookup hash lets "find by ID number" stay an index seek without storing the number in the clear. It is
  written with the current key; while a rotation is under way (`jiuzhu keys rotate`) some rows still carry
  the hash of the old key, so every lookup asks for the hashes under every key of the ring (`lookup_hashes`):
  one index seek per key, nobody is missed, and no second column has to be kept in step.
- A secret hash (the query codes handed to families) cannot be recomputed by a rotation, since the code is
  not kept: it names its key (`v<id>$…`) so that it is checked with that key while the key is in the ring.

A rotation in another process rewrites the key file; a running server re-reads it within RELOAD_SECONDS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import polars as pl

RELOAD_SECONDS = 1.0
LEGACY_KEY_ID = 1


class KeyMissing(ImproperlyConfigured):
    """A token or hash names a key that is not in the ring (retired, or the wrong key file)."""


@dataclass(frozen=True)
class PiiKey:
    id: int
    aes: AESGCM
    mac: bytes
    fingerprint: str  # 16 hex digits from which the key cannot be learnt (backup manifests name keys by it)


@dataclass(frozen=True)
class Keyring:
    keys: tuple[PiiKey, ...]  # the current key first

    @property
    def current(self) -> PiiKey:
        return self.keys[0]

    @property
    def ids(self) -> list[int]:
        return [k.id for k in self.keys]

    def get(self, key_id: int) -> PiiKey:
        for key in self.keys:
            if key.id == key_id:
                return key
        raise KeyMissing(
            f"PII key {key_id} is not in the keyring (retired, or another county's key file): "
            "restore the key file that was in use"
        )


def fingerprint(key_hex: str) -> str:
    return hmac.new(key_hex.encode(), b"jiuzhu key fingerprint", hashlib.sha256).hexdigest()[:16]


def _key(key_id: int, key_hex: str) -> PiiKey:
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
    return PiiKey(key_id, AESGCM(raw[:32]), raw[32:64], fingerprint(key_hex))


def parse_keyring(text: str) -> list[tuple[int, str]]:
    """(id, hex) per key, the current first; a single bare hex key is key 1. Lines starting with # are notes."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if len(lines) == 1 and ":" not in lines[0]:
        return [(LEGACY_KEY_ID, lines[0])]
    entries: list[tuple[int, str]] = []
    for line in lines:
        key_id, sep, key_hex = line.partition(":")
        if not sep or not key_id.strip().isdigit():
            raise ImproperlyConfigured("PII keyring: every line must be <id>:<hex key>")
        entries.append((int(key_id), key_hex.strip()))
    if not entries:
        raise ImproperlyConfigured("PII_KEY is empty")
    if len({i for i, _h in entries}) != len(entries):
        raise ImproperlyConfigured("PII keyring: a key id appears twice")
    return entries


def format_keyring(entries: list[tuple[int, str]]) -> str:
    head = "# jiuzhu PII keyring: the first key encrypts; the others only read until `jiuzhu keys retire`.\n"
    return head + "".join(f"{key_id}:{key_hex}\n" for key_id, key_hex in entries)


@lru_cache(maxsize=8)
def _ring(text: str) -> Keyring:
    return Keyring(tuple(_key(key_id, key_hex) for key_id, key_hex in parse_keyring(text)))


class _FileWatch:
    """Re-reads settings.PII_KEY_FILE when it changed (a rotation by `jiuzhu keys` in another process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = 0.0
        self.stamp: tuple[str, int] | None = None

    def refresh(self, path: str) -> None:
        now = time.monotonic()
        if now - self.checked < RELOAD_SECONDS and self.stamp is not None and self.stamp[0] == path:
            return
        with self.lock:
            self.checked = now
            try:
                mtime = Path(path).stat().st_mtime_ns
            except OSError:
                return
            if self.stamp == (path, mtime):
                return
            text = Path(path).read_text(encoding="ascii").strip()
            if text:
                settings.PII_KEY = text
            self.stamp = (path, mtime)

    def forget(self) -> None:
        self.stamp = None


_watch = _FileWatch()


def keyring() -> Keyring:
    path = getattr(settings, "PII_KEY_FILE", "")
    if path:
        _watch.refresh(str(path))
    return _ring(settings.PII_KEY)


def _current() -> PiiKey:
    return keyring().current


def token_key_id(token: str) -> int:
    """The id of the key that made a token ("v2:…" → 2)."""
    head, sep, _rest = token.partition(":")
    if not sep or not head.startswith("v") or not head[1:].isdigit():
        raise ValueError("not a PII token")
    return int(head[1:])


def encrypt(value: str) -> str:
    if not value:
        return ""
    key = _current()
    nonce = os.urandom(12)
    return f"v{key.id}:" + base64.b64encode(nonce + key.aes.encrypt(nonce, value.encode(), None)).decode()


def seal(value: str) -> tuple[str, str]:
    """The token and the lookup hash of a value, both under one key (a field and its hash never disagree on
    the key, even when the ring changes between two calls)."""
    if not value:
        return "", ""
    key = _current()
    nonce = os.urandom(12)
    token = f"v{key.id}:" + base64.b64encode(nonce + key.aes.encrypt(nonce, value.encode(), None)).decode()
    return token, _mac(key, value)


def decrypt(token: str) -> str:
    if not token:
        return ""
    key = keyring().get(token_key_id(token))
    blob = base64.b64decode(token.partition(":")[2])
    return key.aes.decrypt(blob[:12], blob[12:], None).decode()


def decrypt_many(tokens: list[str]) -> list[str]:
    """decrypt over a list (a bank file's million accounts): the ring is looked up once, not per value."""
    ring = keyring()
    by_prefix = {f"v{k.id}": k.aes.decrypt for k in ring.keys}
    b64 = binascii.a2b_base64  # what base64.b64decode calls, without its Python wrapper per value
    out = []
    for token in tokens:
        if not token:
            out.append("")
            continue
        head, _sep, body = token.partition(":")
        dec = by_prefix.get(head)
        if dec is None:
            ring.get(token_key_id(token))  # raises KeyMissing, or ValueError for what is not a token
        blob = b64(body)
        out.append(dec(blob[:12], blob[12:], None).decode())  # type: ignore[misc]
    return out


def _mac(key: PiiKey, value: str) -> str:
    return hmac.new(key.mac, value.encode(), hashlib.sha256).hexdigest()[:32]


def _mac_many(key: PiiKey, values: list[str]) -> list[str]:
    """_mac over a list ("" for an empty value): HMAC-SHA256 written out (RFC 2104) from the key's two padded
    hash states, copied per value, instead of hmac.new setting them up again for each (about a third of the
    CPU at a million ID numbers). Same digests as _mac (a test holds them equal)."""
    mac = key.mac if len(key.mac) <= _HMAC_BLOCK else hashlib.sha256(key.mac).digest()
    mac = mac.ljust(_HMAC_BLOCK, b"\0")
    inner = hashlib.sha256(mac.translate(_IPAD))
    outer = hashlib.sha256(mac.translate(_OPAD))
    out = []
    for value in values:
        if not value:
            out.append("")
            continue
        i = inner.copy()
        i.update(value.encode())
        o = outer.copy()
        o.update(i.digest())
        out.append(o.hexdigest()[:32])
    return out


_HMAC_BLOCK = 64  # SHA-256's block size
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def lookup_hash(value: str) -> str:
    """32 hex characters under the current key; equal values give equal hashes, nothing else can be learnt."""
    if not value:
        return ""
    return _mac(_current(), value)


def lookup_hashes(value: str) -> list[str]:
    """The value's lookup hash under every key of the ring, the current first: what a lookup must ask for,
    since during a rotation a row may still carry the hash of the old key."""
    if not value:
        return []
    return [_mac(key, value) for key in keyring().keys]


def lookup_hash_columns(values: list[str]) -> list[list[str]]:
    """For bulk lookups (an import's duplicates, a register's matches): one list of hashes per key of the
    ring, each parallel to `values` ("" for an empty value). Usually a single list."""
    return [column.hashes for column in keyed_hash_columns(values)]


@dataclass(frozen=True)
class KeyedHashes:
    """Lookup hashes parallel to a list of values ("" for an empty value), with the id of the key that made
    them: seal_many can take them instead of computing them again, if that key is still the current one."""

    key_id: int
    hashes: list[str]


def keyed_hash_columns(values: list[str]) -> list[KeyedHashes]:
    """lookup_hash_columns naming each column's key, the current key's first."""
    return [KeyedHashes(key.id, _mac_many(key, values)) for key in keyring().keys]


def encrypt_many(values: list[str]) -> list[str]:
    """encrypt over a list ("" for an empty value): the key is looked up once and the nonces are read from the
    system's random source in one call (each value still has its own 12 random bytes)."""
    return _encrypt_many(_current(), values)


def seal_many(values: list[str], *, known: KeyedHashes | None = None) -> tuple[list[str], list[str]]:
    """seal over a list: (tokens, lookup hashes), both under one key, the current one ("" and "" for an empty
    value). `known`: the hashes of the same values computed before (keyed_hash_columns); taken only if made
    by that same key, so that a token and its hash never disagree on the key even when the ring changed
    meanwhile, and if a sample of them checks out against the values (a list reordered since does not)."""
    key = _current()
    hashes = known.hashes if known is not None and _agrees(key, values, known) else _mac_many(key, values)
    return _encrypt_many(key, values), hashes


def _agrees(key: PiiKey, values: list[str], known: KeyedHashes, samples: int = 64) -> bool:
    if known.key_id != key.id or len(known.hashes) != len(values):
        return False
    picks = sorted({i * (len(values) - 1) // (samples - 1) for i in range(samples)}) if values else []
    return _mac_many(key, [values[i] for i in picks]) == [known.hashes[i] for i in picks]


def _encrypt_many(key: PiiKey, values: list[str]) -> list[str]:
    filled = sum(1 for v in values if v)
    nonces = os.urandom(12 * filled)
    enc = key.aes.encrypt
    b64 = binascii.b2a_base64  # what base64.b64encode calls, without its Python wrapper per value
    head = f"v{key.id}:"
    out = []
    at = 0
    for value in values:
        if not value:
            out.append("")
            continue
        nonce = nonces[at : at + 12]
        at += 12
        out.append(head + b64(nonce + enc(nonce, value.encode(), None), newline=False).decode())
    return out


def secret_hash(value: str) -> str:
    """A keyed hash of a secret that is not kept (a query code): names its key, "v2$<32 hex>"."""
    key = _current()
    return f"v{key.id}${_mac(key, value)}"


def secret_hash_key_id(stored: str) -> int:
    head, sep, _rest = stored.partition("$")
    return int(head[1:]) if sep and head[1:].isdigit() else LEGACY_KEY_ID


def secret_hash_matches(value: str, stored: str) -> bool:
    """Whether `value` is the secret whose hash is stored, checked with the key that made it, in constant
    time; a hash written before the keyring (no key id) was made by key 1."""
    ring = keyring()
    digest = stored.partition("$")[2] if "$" in stored else stored
    try:
        key = ring.get(secret_hash_key_id(stored)) if stored else ring.current
    except KeyMissing:
        key, digest = ring.current, ""
    given = _mac(key, value)
    return hmac.compare_digest(given.encode(), (digest or "0" * 32).encode()) and bool(digest)


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


def _stars(n: pl.Expr) -> pl.Expr:
    import polars as pl

    # Both branches of a when/then are computed for every row: a negative length must not reach pad_end.
    return pl.lit("").str.pad_end(n.clip(lower_bound=0), "*")


def _masked(value: pl.Expr, *, head: int, tail: int, shortest: int) -> pl.Expr:
    """`value` with all but its first `head` and last `tail` characters starred; all of it starred when it is
    shorter than `shortest` (a null stays null)."""
    import polars as pl

    n = value.str.len_chars().cast(pl.Int64)  # UInt32: below 0 would wrap round
    kept = pl.concat_str(value.str.slice(0, head), _stars(n - head - tail), value.str.slice(-tail))
    return pl.when(n < shortest).then(_stars(n)).otherwise(kept)


def mask_id_expr(number: pl.Expr) -> pl.Expr:
    """mask_id for a column: one expression instead of a Python call per row."""
    return _masked(number, head=6, tail=4, shortest=10)


def mask_phone_expr(phone: pl.Expr) -> pl.Expr:
    """mask_phone for a column."""
    return _masked(phone, head=3, tail=4, shortest=7)


def mask_account_expr(account: pl.Expr) -> pl.Expr:
    """mask_account for a column."""
    return _masked(account, head=0, tail=4, shortest=5)


def mask_name(name: str) -> str:
    """张*三, 李*: what a public notice may show."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
