from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jiuzhu.cases"
    label = "cases"
    verbose_name = _("申请与审核确认")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels

        register_key_labels(
            "case",
            {"items": _("补正材料"), "due": _("补正期限"), "supplement": _("补正告知"), "documents": _("上传材料份数")},
        )  # fmt: skip
        register_key_labels("review", {"withdrawn_outcome": _("撤回的提请结果"), "reasons": _("理由")})
        # The household page shows cases and entitlements without the registry importing this app.
        from jiuzhu.cases import panels  # noqa: F401
        from jiuzhu.cases.home import home_section
        from jiuzhu.cases.services import recheck_on_death
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_CASES, GROUP_SYSTEM, MenuItem, register_home_section, register_menu
        from jiuzhu.registry.hooks import on_death_recorded

        register_menu(
            MenuItem(40, "cases:todo", _("待办")),
            MenuItem(50, "cases:list", _("救助申请"), group=GROUP_CASES),
            MenuItem(60, "cases:notices", _("公示"), group=GROUP_CASES),
            MenuItem(70, "cases:reviews", _("动态管理"), group=GROUP_CASES),
            MenuItem(80, "cases:timeliness", _("办理时效"), group=GROUP_CASES),
            MenuItem(110, "cases:holidays", _("节假日"), Capability.MANAGE_PARAMETERS, group=GROUP_SYSTEM),
        )
        register_home_section(20, "cases", home_section)
        # A death recorded in the registry re-checks the household's assistance ([57] 第三十条).
        on_death_recorded(recheck_on_death)
        # A 提标 recompute replaces entitlements by new links: their open reviews follow.
        from jiuzhu.cases.services.reviews import reviews_follow_entitlements
        from jiuzhu.payments.hooks import on_entitlements_replaced

        on_entitlements_replaced(reviews_follow_entitlements)
