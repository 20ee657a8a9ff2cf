"""The data directory and the keys kept in it: where they are, and the one step that creates them.

Settings only read from here, so importing them never writes to the disk (a test run, mypy's Django plugin or
`makemigrations --check` must leave a fresh clone as it was). `prepare()` is the explicit step that creates the
directory and the keys: the `jiuzhu` command and the WSGI entry call it before Django loads the settings.
No Django imports: this module is read before Django is configured.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Key:
    value_var: str  # the key itself, for deployments that inject secrets through the environment
    file_var: str  # where its file is, when not <data dir>/default_name
    default_name: str
    nbytes: int


SECRET_KEY = Key("JIUZHU_SECRET_KEY", "JIUZHU_SECRET_KEY_FILE", "secret_key", 32)
# 64 bytes hex: half encrypts personal data (AES-GCM), half keys the lookup hash (HMAC).
PII_KEY = Key("JIUZHU_PII_KEY", "JIUZHU_PII_KEY_FILE", "pii_key", 64)
# 32 bytes hex: keys the audit log's hash chain (HMAC) and signs its anchors, so that whoever can write the
# database but not read this file can neither forge an entry nor recompute the chain after an edit.
AUDIT_KEY = Key("JIUZHU_AUDIT_KEY", "JIUZHU_AUDIT_KEY_FILE", "audit_key", 32)
KEYS = (SECRET_KEY, PII_KEY, AUDIT_KEY)


def data_dir() -> Path:
    return Path(os.environ.get("JIUZHU_DATA_DIR", "var")).resolve()


def key_path(key: Key) -> Path:
    return Path(os.environ.get(key.file_var) or data_dir() / key.default_name)


def audit_anchor_path() -> Path:
    """Where the audit log's signed checkpoints are appended. In production point JIUZHU_AUDIT_ANCHOR_FILE
    outside the reach of the database's users: another disk, a file with the append-only attribute
    (`chattr +a`), or a mount shipped to a log server."""
    return Path(os.environ.get("JIUZHU_AUDIT_ANCHOR_FILE") or data_dir() / "audit_anchor.log")


def read_key(key: Key) -> str:
    """The key from its variable or its file; "" when neither exists yet (`prepare()` has not run)."""
    value = os.environ.get(key.value_var)
    if value:
        return value
    path = key_path(key)
    return path.read_text().strip() if path.exists() else ""


def prepare() -> None:
    """Create the data dir, its static folder and any missing key file (random, 0600). Safe to repeat.

    The data dir holds personal data (the SQLite database, uploads, reports): from here on this process creates
    files for its own user only (umask 077), the dir itself is 0700, and a database file left readable by an
    older version is made private."""
    os.umask(0o077)
    root = data_dir()
    (root / "static").mkdir(parents=True, exist_ok=True)
    root.chmod(0o700)
    for database in root.glob("*.sqlite3*"):
        database.chmod(0o600)
    for key in KEYS:
        if os.environ.get(key.value_var):
            continue
        path = key_path(key)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (the demo's worker) made it first: keep theirs
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(key.nbytes))
