from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    label = "payments"
    verbose_name = _("待遇与发放")

    def ready(self) -> None:
        from jiuzhu.payments.services.entitlements import entitlements_stop_on_death
        from jiuzhu.registry.hooks import on_death_recorded

        # A death recorded in the registry stops what paid for the dead person from the next month.
        on_death_recorded(entitlements_stop_on_death)
