"""Account management (issue #11, 10): change one's own password, the admin resets one, deactivates and restores
an account (its sessions and tokens end), tokens revoked by their owner or the admin; all audited, all in scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiuzhu.accounts import services
from jiuzhu.accounts.models import ApiToken
from jiuzhu.conftest import PASSWORD
from jiuzhu.core.models import AuditEntry

NEW = "another-Horse-77-battery"


def test_a_user_changes_their_password_and_other_sessions_end(client, caseworker_a):
    other = client.__class__()
    assert other.login(username=caseworker_a.username, password=PASSWORD)
    assert client.login(username=caseworker_a.username, password=PASSWORD)
    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password": NEW, "new_password2": NEW})
    assert "原密码不正确" in wrong.content.decode()
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200  # this session goes on
    assert other.get("/cases/").status_code == 302  # the other one is logged out
    assert AuditEntry.objects.filter(object_type="user", summary__contains="修改了自己的密码").exists()


def test_a_weak_or_mismatched_new_password_is_refused(client, caseworker_a):
    client.force_login(caseworker_a)
    html = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": "1234567890", "new_password2": "1234567890"}
    ).content.decode()
    assert "errorlist" in html
    html = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW + "x"}
    ).content.decode()
    assert "两次输入的新密码不一致" in html


def test_the_admin_resets_deactivates_and_restores(client, admin, caseworker_a):
    token, key = services.api_token_create(actor=admin, user=caseworker_a, name="对接")
    client.force_login(admin)
    page = f"/accounts/users/{caseworker_a.pk}/"
    client.post(page, {"action": "reset", "new_password": NEW, "new_password2": NEW})
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(NEW)
    client.post(page, {"action": "deactivate", "reason": ""})  # a reason is required: nothing happens
    caseworker_a.refresh_from_db()
    assert caseworker_a.is_active
    client.post(page, {"action": "deactivate", "reason": "调离岗位"})
    caseworker_a.refresh_from_db()
    token.refresh_from_db()
    assert not caseworker_a.is_active and token.revoked
    assert client.__class__().login(username=caseworker_a.username, password=NEW) is False
    assert client.get("/api/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    client.post(page, {"action": "activate"})
    caseworker_a.refresh_from_db()
    assert caseworker_a.is_active
    summaries = list(AuditEntry.objects.filter(object_type="user").values_list("summary", flat=True))
    assert any("重置了" in s for s in summaries) and any("停用账号" in s for s in summaries)


def test_nobody_else_manages_accounts(client, caseworker_a, caseworker_b, approver):
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=approver, user=caseworker_a, new_password=NEW)
    client.force_login(caseworker_b)
    assert client.get(f"/accounts/users/{caseworker_a.pk}/").status_code == 403
    token, _key = services.api_token_create(actor=None, user=caseworker_a, name="x")
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    assert not ApiToken.objects.get(pk=token.pk).revoked


def test_the_owner_revokes_their_token_and_the_admin_cannot_deactivate_themselves(client, admin, caseworker_a):
    token, _key = services.api_token_create(actor=None, user=caseworker_a, name="报表")
    client.force_login(caseworker_a)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked
    with pytest.raises(ValidationError):
        services.user_set_active(actor=admin, user=admin, active=False, reason="x")
