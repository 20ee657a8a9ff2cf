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
