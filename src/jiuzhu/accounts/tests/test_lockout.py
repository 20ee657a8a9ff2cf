"""Login lockout (issue #11 item 5): parallel guesses cannot get past the limit; the lock is per (username,
address), so nobody locks a colleague out from elsewhere; an unknown username is locked the same way."""

from __future__ import annotations

import re
import threading
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse

from jiuzhu.accounts.backends import AccountLocked
from jiuzhu.conftest import PASSWORD
from jiuzhu.core.models import AuditEntry


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    ).content.decode()


def _try(username: str, password: str, address: str = "10.0.0.1") -> str:
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
    try:
        return "ok" if authenticate(request, username=username, password=password) else "wrong"
    except AccountLocked:
        return "locked"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_pass_the_limit(caseworker_a, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    settings.JIUZHU_LOGIN_MAX_FAILURES = 5
    results: list[str] = []

    def guess(password: str, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            results.append(_try("caseworker_a", password))
        finally:
            connections.close_all()

    for _round in range(3):  # 24 wrong guesses, 8 at a time
        barrier = threading.Barrier(8)
        threads = [threading.Thread(target=guess, args=(f"wrong{i}", barrier)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results.count("wrong") == 5 and results.count("locked") == 19
    assert _try("caseworker_a", PASSWORD) == "locked"  # the right password is refused too, from this address


@pytest.mark.django_db
def test_the_limit_holds_one_attempt_after_another(caseworker_a, settings):
    settings.JIUZHU_LOGIN_MAX_FAILURES = 3
    assert [_try("caseworker_a", "wrong") for _ in range(5)] == ["wrong"] * 3 + ["locked"] * 2
    assert _try("caseworker_a", PASSWORD) == "locked"
    assert AuditEntry.objects.filter(action="locked", actor_name="caseworker_a").count() == 1


@pytest.mark.django_db
def test_a_guesser_elsewhere_cannot_lock_a_colleague_out(caseworker_a, settings):
    settings.JIUZHU_LOGIN_MAX_FAILURES = 3
    for _ in range(4):
        _try("caseworker_a", "wrong", address="203.0.113.9")
    assert _try("caseworker_a", PASSWORD, address="203.0.113.9") == "locked"
    assert _try("caseworker_a", PASSWORD, address="10.1.2.3") == "ok"


@pytest.mark.django_db
def test_the_sixth_attempt_does_not_tell_whether_the_account_exists(client, caseworker_a, settings):
    settings.JIUZHU_LOGIN_MAX_FAILURES = 5
    known = [_login(client, "caseworker_a", "wrong") for _ in range(6)]
    unknown = [_login(client, "nobody_here", "wrong") for _ in range(6)]
    assert "账号或密码不正确" in known[4] and "账号或密码不正确" in unknown[4]
    assert "已锁定" in known[5] and "已锁定" in unknown[5]

    def page(html: str) -> str:  # the same page but for the CSRF tokens and the name typed
        return re.sub(r"[A-Za-z0-9]{64}", "T", html).replace("caseworker_a", "nobody_here")

    assert page(known[5]) == page(unknown[5])


@pytest.mark.django_db
def test_an_unknown_username_costs_one_password_hash_like_a_wrong_password(caseworker_a):
    from jiuzhu.accounts.models import User

    calls: list[str] = []
    check, make = User.check_password, User.set_password

    def counted_check(self, raw):
        calls.append("check")
        return check(self, raw)

    def counted_make(self, raw):
        calls.append("make")
        return make(self, raw)

    with (
        mock.patch.object(User, "check_password", counted_check),
        mock.patch.object(User, "set_password", counted_make),
    ):
        _try("caseworker_a", "wrong")
        assert calls == ["check"]
        calls.clear()
        _try("nobody_here", "wrong")
        assert calls == ["make"]
