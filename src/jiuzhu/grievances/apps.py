"""Complaints, reports, questions and suggestions (投诉举报) from the portal, the window, the phone line and
letters, with a working-day deadline, assignment, investigation, answer and escalation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "jiuzhu.grievances"
    label = "grievances"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels

        register_key_labels("grievance", {"assigned": _("交办单位"), "staff": _("承办人"), "late": _("超期答复")})
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_OVERSIGHT, MenuItem, register_home_section, register_menu
        from jiuzhu.grievances.home import home_section

        register_menu(MenuItem(92, "grievances:list", _("投诉举报"), Capability.VIEW_GRIEVANCES, group=GROUP_OVERSIGHT))
        register_home_section(50, "grievances", home_section)
