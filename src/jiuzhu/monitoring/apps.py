from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    label = "monitoring"
    verbose_name = _("低收入人口监测")
