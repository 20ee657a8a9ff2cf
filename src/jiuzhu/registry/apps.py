from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuzhu.registry"
    label = "registry"
    verbose_name = _("家庭登记")
