from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharityConfig(AppConfig):
    name = "jiuzhu.charity"
    label = "charity"
    verbose_name = _("慈善救助")
