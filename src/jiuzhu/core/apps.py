from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiuzhu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from jiuzhu.core.text import refuse_bad_text

        pre_save.connect(refuse_bad_text, dispatch_uid="jiuzhu.core.text.refuse_bad_text")
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_SYSTEM, MenuItem, register_menu

        register_menu(
            MenuItem(0, "core:home", _("工作台")),
            MenuItem(900, "core:audit", _("审计日志"), Capability.VIEW_AUDIT, group=GROUP_SYSTEM),
        )
