from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "jiuzhu.grievances"
    label = "grievances"
    verbose_name = _("投诉举报")
