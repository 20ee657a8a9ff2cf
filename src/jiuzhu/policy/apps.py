from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "jiuzhu.policy"
    label = "policy"
    verbose_name = _("政策与标准")

    def ready(self) -> None:
        from jiuzhu.policy.views import household_panel
        from jiuzhu.registry.panels import register_panel

        register_panel(10, household_panel)
