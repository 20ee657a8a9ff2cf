from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "jiuzhu.policy"
    label = "policy"
    verbose_name = _("政策与标准")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_value_label
        from jiuzhu.core.navigation import GROUP_SYSTEM, MenuItem, register_menu
        from jiuzhu.policy.hooks import household_changed
        from jiuzhu.policy.programs import program_name
        from jiuzhu.policy.views import household_panel
        from jiuzhu.registry.hooks import on_household_changed
        from jiuzhu.registry.panels import register_panel

        register_menu(MenuItem(100, "policy:parameters", _("标准与参数"), group=GROUP_SYSTEM))
        register_panel(10, household_panel)
        on_household_changed(household_changed)
        # The audit log shows a programme by its name, not its code.
        register_value_label("program", program_name)
