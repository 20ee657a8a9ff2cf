"""External registers (deaths, poverty register, disability certificates, vehicles…), exact and fuzzy linkage
against the registry, the anomaly rules and the findings ledger (疑似问题台账)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jiuzhu.matching"
    label = "matching"
    verbose_name = _("数据比对")

    def ready(self) -> None:
        from jiuzhu.cases.extensions import on_check_recorded, register_case_panel
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_OVERSIGHT, MenuItem, register_home_section, register_menu
        from jiuzhu.matching import panels
        from jiuzhu.registry.panels import register_panel

        register_menu(MenuItem(90, "matching:findings", _("数据比对"), Capability.VIEW_FINDINGS, group=GROUP_OVERSIGHT))
        register_home_section(35, "matching", panels.home_section)
        register_panel(40, panels.household_panel)
        register_case_panel(20, panels.case_panel)
        on_check_recorded(panels.keep_check_evidence)
