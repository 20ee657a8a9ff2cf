"""Charity: donors, donations (designated or general), campaigns, disbursements to registry households with
approval, fund balances that never go negative, needs posted for donors and the public account."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharityConfig(AppConfig):
    name = "jiuzhu.charity"
    label = "charity"
    verbose_name = _("慈善救助")

    def ready(self) -> None:
        # The household page shows what a family received, without the registry importing this app.
        from jiuzhu.charity import panels  # noqa: F401
        from jiuzhu.charity.home import home_section
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_MONEY, MenuItem, register_home_section, register_menu

        register_menu(MenuItem(86, "charity:home", _("慈善救助"), Capability.VIEW_CHARITY, group=GROUP_MONEY))
        register_home_section(60, "charity", home_section)
