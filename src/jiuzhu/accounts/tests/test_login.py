import pytest
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.core.models import AuditEntry


def test_a_good_password_logs_in_and_is_audited(client, caseworker_a):
    response = client.post(reverse("accounts:login"), {"username": "caseworker_a", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", actor_name="caseworker_a").exists()


def test_it_locks_the_account_after_repeated_failures(client, caseworker_a, settings):
    settings.JIUZHU_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        response = client.post(reverse("accounts:login"), {"username": "caseworker_a", "password": "wrong"})
        assert "账号或密码不正确" in response.content.decode()
    caseworker_a.refresh_from_db()
    assert caseworker_a.locked_until is not None
    # Even the right password is refused while locked, with a message saying so.
    response = client.post(reverse("accounts:login"), {"username": "caseworker_a", "password": PASSWORD})
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="locked").count() == 1


def test_an_unknown_user_gets_the_same_message(client, county):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    assert "账号或密码不正确" in response.content.decode()


def test_pages_carry_security_headers(client, caseworker_a):
    client.login(username="caseworker_a", password=PASSWORD)
    response = client.get(reverse("core:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get(reverse("accounts:login")).content.decode()
    english = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english


@pytest.mark.parametrize("role_region", [("village_clerk", "township_a"), ("county_approver", "township_b")])
def test_a_role_must_be_bound_to_its_level(county, role_region):
    from django.core.exceptions import ValidationError

    from jiuzhu.accounts.services import user_create

    role, region = role_region
    with pytest.raises(ValidationError):
        user_create(
            actor=None,
            username="x",
            password=PASSWORD,
            role=role,
            region=getattr(county, region),
            check_password=False,
        )


def test_the_users_page_shows_a_locked_account_as_locked(client, admin, caseworker_a):
    import datetime as dt

    from django.utils import timezone

    caseworker_a.locked_until = timezone.now() + dt.timedelta(minutes=10)
    caseworker_a.save(update_fields=["locked_until"])
    client.force_login(admin)
    page = client.get(reverse("accounts:users")).content.decode()
    row = next(r for r in page.split("<tr>") if ">caseworker_a</a></td>" in r)
    assert "已锁定" in row and "正常" not in row
