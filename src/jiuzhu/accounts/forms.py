from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.backends import AccountLocked
from jiuzhu.accounts.models import ROLE_LEVEL, Role, User
from jiuzhu.regions.models import Region


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("账号或密码不正确。连续输错多次将暂时锁定账号。"),
        "inactive": _("该账号已停用"),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except AccountLocked as exc:
            minutes = max(1, int((exc.until - timezone.now()).total_seconds() // 60) + 1)
            raise forms.ValidationError(
                _("登录失败次数过多，账号已锁定，请 %(m)d 分钟后再试") % {"m": minutes}, code="locked"
            ) from None


class UserCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=10)

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "region", "can_reveal_pii"]

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["region"].required = True
        self.fields["role"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, region = data.get("role"), data.get("region")
        if role and isinstance(region, Region) and ROLE_LEVEL[Role(role)] != region.level:
            self.add_error("region", _("该角色应绑定到 %(l)s 一级的区划") % {"l": ROLE_LEVEL[Role(role)].label})
        return data
