from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jiuzhu.cases"
    label = "cases"
    verbose_name = _("申请与审核确认")

    def ready(self) -> None:
        # The household page shows cases and entitlements without the registry importing this app.
        from jiuzhu.cases import panels  # noqa: F401
