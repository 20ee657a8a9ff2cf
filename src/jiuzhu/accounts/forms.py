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


class _NewPasswordForm(forms.Form):
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, min_length=10, max_length=128)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class PasswordChangeForm(_NewPasswordForm):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, max_length=128)
    field_order = ["old_password", "new_password", "new_password2"]


class PasswordResetForm(_NewPasswordForm):
    pass


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200, help_text=_("如：调离岗位、退休"))
