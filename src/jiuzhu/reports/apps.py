"""The county's statistics: monthly snapshots per region × programme built after each payroll, targets and
their completion, dashboards with charts, and the monthly civil-affairs tables (xlsx, PDF)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jiuzhu.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import MenuItem, register_home_section, register_menu
        from jiuzhu.payments.hooks import on_payroll_paid
        from jiuzhu.reports.home import home_section
        from jiuzhu.reports.oversight import findings_panel, monitoring_panel
        from jiuzhu.reports.panels import register_dashboard_panel
        from jiuzhu.reports.tasks import snapshot_after_payroll

        register_menu(MenuItem(95, "reports:dashboard", _("统计报表"), Capability.VIEW_REPORTS))
        register_home_section(40, "reports", home_section)
        # A payroll approved or reconciled changes what its month counts: the snapshot is rebuilt.
        on_payroll_paid(snapshot_after_payroll)
        register_dashboard_panel(10, "monitoring", monitoring_panel)
        register_dashboard_panel(20, "findings", findings_panel)
