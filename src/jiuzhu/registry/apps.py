from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuzhu.registry"
    label = "registry"
    verbose_name = _("家庭登记")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels

        register_key_labels("household", {"households": _("户数"), "persons": _("人数"), "source": _("来源")})
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_REGISTRY, MenuItem, register_home_section, register_menu
        from jiuzhu.registry.home import home_section

        register_menu(
            MenuItem(10, "registry:search", _("查找人员"), group=GROUP_REGISTRY),
            MenuItem(20, "registry:household_list", _("家庭名册"), group=GROUP_REGISTRY),
            MenuItem(30, "registry:import", _("批量导入"), Capability.IMPORT_REGISTRY, group=GROUP_REGISTRY),
        )
        register_home_section(10, "registry", home_section)
