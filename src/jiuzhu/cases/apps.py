from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jiuzhu.cases"
    label = "cases"
    verbose_name = _("申请与审核确认")

    def ready(self) -> None:
        # The household page shows cases and entitlements without the registry importing this app.
        from jiuzhu.cases import panels  # noqa: F401
        from jiuzhu.cases.services import recheck_on_death
        from jiuzhu.registry.hooks import on_death_recorded

        # A death recorded in the registry re-checks the household's assistance ([57] 第三十条).
        on_death_recorded(recheck_on_death)
