"""Low-income and return-to-poverty monitoring (低收入人口动态监测): monitored households, warning levels
I red / II yellow / III blue, risk factors, measures and the two-monthly re-assessment."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    label = "monitoring"
    verbose_name = _("低收入人口监测")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels

        register_key_labels(
            "monitoring_scan",
            {"on": _("扫描日期"), "enrolled": _("新纳入监测户数"), "changed": _("预警等级变化户数"),
             "assessed": _("完成评估户数")},
        )  # fmt: skip
        register_key_labels("monitored_household", {"factors": _("风险因素"), "reasons": _("依据")})
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_OVERSIGHT, MenuItem, register_home_section, register_menu
        from jiuzhu.monitoring.home import home_section
        from jiuzhu.monitoring.panels import monitoring_panel
        from jiuzhu.monitoring.services import monitoring_recompute
        from jiuzhu.registry.hooks import on_household_changed
        from jiuzhu.registry.panels import register_panel

        register_menu(MenuItem(91, "monitoring:list", _("监测预警"), Capability.VIEW_MONITORING, group=GROUP_OVERSIGHT))
        register_home_section(30, "monitoring", home_section)
        register_panel(50, monitoring_panel)
        # Every saved change of a monitored household's facts recomputes its warning level.
        on_household_changed(monitoring_recompute)
