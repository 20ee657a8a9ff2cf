from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import ROLE_LEVEL, ApiToken, Capability, Role, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import require_scope
from jiuzhu.regions.models import Region


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region: Region,
    full_name: str = "",
    can_reveal_pii: bool = False,
    check_password: bool = True,
) -> User:
    """A login bound to a role and a region of that role's level. actor None: the demo or the CLI."""
    if actor is not None:
        if not actor.has_capability(Capability.MANAGE_USERS):
            raise PermissionDenied(_("您的角色无权管理用户"))
        require_scope(actor, region.code)
    if ROLE_LEVEL[Role(role)] != region.level:
        raise ValidationError({"region": _("该角色应绑定到 %(l)s 一级的区划") % {"l": ROLE_LEVEL[Role(role)].label}})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("账号 %(u)s 已存在") % {"u": username}})
    user = User(username=username, role=role, region=region, full_name=full_name, can_reveal_pii=can_reveal_pii)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor or "system",
        action=AuditAction.CREATE,
        object_type="user",
        object_id=user.pk,
        region_code=region.code,
        summary=_("新增用户 %(u)s（%(r)s，%(g)s）") % {"u": username, "r": user.get_role_display(), "g": region.name},
    )
    return user


def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.has_capability(Capability.MANAGE_USERS):
        raise PermissionDenied(_("您的角色无权为他人创建接口令牌"))
    key = "jz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=api_key_hash(key))
    audit_record(
        actor=actor or "system",
        action=AuditAction.CREATE,
        object_type="api_token",
        object_id=token.pk,
        region_code=user.region.code if user.region else "",
        summary=_("为 %(u)s 创建接口令牌「%(n)s」") % {"u": user.username, "n": name},
    )
    return token, key


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _manage(actor: User, user: User) -> None:
    """The county admin manages the accounts inside their region; nobody else manages anyone's."""
    if not actor.has_capability(Capability.MANAGE_USERS):
        raise PermissionDenied(_("您的角色无权管理用户"))
    require_scope(actor, user.region.code if user.region else "")


def _audit_user(actor: User, user: User, summary: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="user",
        object_id=user.pk,
        region_code=user.region.code if user.region else "",
        summary=summary,
    )


@transaction.atomic
def user_change_password(*, actor: User, old_password: str, new_password: str) -> User:
    """The user's own change: the old password proves it is them. Other sessions of the account end (Django
    ties a session to the password hash)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _audit_user(actor, user, _("%(u)s 修改了自己的密码") % {"u": user.username})
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, new_password: str) -> User:
    """The admin sets a new password for someone who forgot theirs; told to them in person, changed at once."""
    _manage(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _audit_user(actor, user, _("重置了 %(u)s 的密码") % {"u": user.username})
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str = "") -> User:
    """Deactivating keeps the account and its history (the audit log names it) but ends every way in: the
    password, the sessions (checked on each request) and the API tokens, which are revoked."""
    _manage(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("不能停用自己的账号"))
    if not active and not reason.strip():
        raise ValidationError({"reason": _("停用账号须写明原因")})
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user.api_tokens.filter(revoked=False).update(revoked=True)
        summary = _("停用账号 %(u)s：%(r)s") % {"u": user.username, "r": reason.strip()[:200]}
    else:
        summary = _("恢复账号 %(u)s") % {"u": user.username}
    _audit_user(actor, user, summary)
    return user


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Its owner, or the admin of the owner's region, revokes a token; it stops working at once."""
    if actor.pk != token.user_id:
        _manage(actor, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="api_token",
            object_id=token.pk,
            region_code=token.user.region.code if token.user.region else "",
            summary=_("吊销 %(u)s 的接口令牌「%(n)s」") % {"u": token.user.username, "n": token.name},
        )
    return token
