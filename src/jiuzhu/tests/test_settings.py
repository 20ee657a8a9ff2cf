"""Settings: switches refuse typos; importing them writes nothing; the `jiuzhu` command makes the data dir."""

import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from jiuzhu import datadir
from jiuzhu.settings import envbool


@pytest.mark.parametrize("word", ["1", "true", "True", " yes ", "on", "ON"])
def test_a_switch_reads_the_spellings_of_on(monkeypatch, word):
    monkeypatch.setenv("JIUZHU_HTTPS", word)
    assert envbool("JIUZHU_HTTPS", False) is True


@pytest.mark.parametrize("word", ["0", "false", "no", "Off"])
def test_a_switch_reads_the_spellings_of_off(monkeypatch, word):
    monkeypatch.setenv("JIUZHU_HTTPS", word)
    assert envbool("JIUZHU_HTTPS", True) is False


@pytest.mark.parametrize("word", [None, "", "  "])
def test_an_unset_or_empty_switch_takes_its_default(monkeypatch, word):
    if word is None:
        monkeypatch.delenv("JIUZHU_HTTPS", raising=False)
    else:
        monkeypatch.setenv("JIUZHU_HTTPS", word)
    assert envbool("JIUZHU_HTTPS", True) is True
    assert envbool("JIUZHU_HTTPS", False) is False


@pytest.mark.parametrize("word", ["ture", "yes please", "2", "enabled"])
def test_a_typo_in_a_switch_is_refused_naming_the_variable(monkeypatch, word):
    monkeypatch.setenv("JIUZHU_HTTPS", word)
    with pytest.raises(ImproperlyConfigured, match="JIUZHU_HTTPS") as exc:
        envbool("JIUZHU_HTTPS", False)
    assert repr(word) in str(exc.value)


def _python(code, data_dir, cwd, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_") and k != "DATABASE_URL"}
    clean |= {"JIUZHU_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "jiuzhu.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120)


SETUP = "import django; django.setup(); from django.conf import settings; settings.DATABASES; settings.STATIC_ROOT"


@pytest.mark.parametrize("exists", [True, False], ids=["empty-dir", "no-dir"])
def test_importing_the_settings_creates_nothing(tmp_path, exists):
    data = tmp_path / "data"
    if exists:
        data.mkdir()
    result = _python(SETUP, data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["data"] if exists else [])


def test_a_typo_in_a_switch_stops_the_start(tmp_path):
    result = _python(SETUP, tmp_path, cwd=tmp_path, JIUZHU_DEBUG="ture")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "JIUZHU_DEBUG='ture'" in result.stderr


def test_without_a_key_personal_data_is_not_encrypted_at_all(tmp_path):
    """A process that skipped `prepare()` must not encrypt with a key derived from nothing."""
    code = f"{SETUP}; from jiuzhu.core import pii; pii.encrypt('330727194802030011')"
    result = _python(code, tmp_path / "data", cwd=tmp_path)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and "pii_key" in result.stderr
    assert not (tmp_path / "data").exists()


def test_prepare_makes_private_keys_once_and_keeps_them(tmp_path, monkeypatch):
    for key in datadir.KEYS:
        monkeypatch.delenv(key.value_var, raising=False)
        monkeypatch.delenv(key.file_var, raising=False)
    monkeypatch.setenv("JIUZHU_DATA_DIR", str(tmp_path / "data"))
    datadir.prepare()
    first = {key.default_name: datadir.read_key(key) for key in datadir.KEYS}
    assert len(first["secret_key"]) == 64 and len(first["pii_key"]) == 128
    for name in first:
        assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600
    assert (tmp_path / "data" / "static").is_dir()
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    database = tmp_path / "data" / "jiuzhu.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)  # as an older version left it
    datadir.prepare()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert {key.default_name: datadir.read_key(key) for key in datadir.KEYS} == first


def test_a_key_given_in_the_environment_is_used_and_no_file_is_made(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIUZHU_PII_KEY", "ab" * 64)
    monkeypatch.delenv("JIUZHU_PII_KEY_FILE", raising=False)
    datadir.prepare()
    assert datadir.read_key(datadir.PII_KEY) == "ab" * 64
    assert not (tmp_path / "data" / "pii_key").exists()


def test_the_jiuzhu_command_prepares_a_fresh_data_dir(tmp_path):
    data = tmp_path / "data"
    result = _python("from jiuzhu.cli import main; main(['check'])", data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in data.iterdir()} >= {"secret_key", "pii_key", "static"}


@pytest.mark.parametrize(("https", "hsts"), [("1", 31536000), ("0", 0)])
def test_behind_tls_browsers_are_told_to_stay_on_https_and_no_test_host_is_allowed(tmp_path, https, hsts):
    code = f"{SETUP}; print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, settings.ALLOWED_HOSTS)"
    result = _python(code, tmp_path, cwd=tmp_path, JIUZHU_HTTPS=https)
    assert result.returncode == 0, result.stderr
    seconds, secure, hosts = result.stdout.split(" ", 2)
    assert int(seconds) == hsts and (secure == "True") == bool(hsts)
    assert "testserver" not in hosts and "127.0.0.1" in hosts
