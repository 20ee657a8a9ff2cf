from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiuzhu.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_SYSTEM, MenuItem, register_menu

        register_menu(MenuItem(130, "accounts:users", _("用户管理"), Capability.MANAGE_USERS, group=GROUP_SYSTEM))
