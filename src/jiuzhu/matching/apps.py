"""External registers (deaths, poverty register, disability certificates, vehicles…), exact and fuzzy linkage
against the registry, the anomaly rules and the findings ledger (疑似问题台账)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jiuzhu.matching"
    label = "matching"
    verbose_name = _("数据比对")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels
        from jiuzhu.matching.rules import RULES

        register_key_labels("matching_run", {code: _(rule.name) for code, rule in RULES.items()})
        register_key_labels("matching_run", {"found": _("发现"), "new": _("新增")})
        register_key_labels("finding", {"note": _("说明"), "done": _("已整改")})
        register_key_labels("dataset", {"file": _("文件名"), "hash": _("文件摘要"), "rows": _("行数")})
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
