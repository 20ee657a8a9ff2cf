from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "jiuzhu.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_SYSTEM, MenuItem, register_menu

        register_menu(MenuItem(120, "regions:list", _("行政区划"), Capability.MANAGE_REGIONS, group=GROUP_SYSTEM))
