from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    label = "payments"
    verbose_name = _("待遇与发放")

    def ready(self) -> None:
        # A corrected bank account releases the money the bank returned (helper "bank"'s hook).
        from jiuzhu.payments.bankfiles.returns import account_flags_resolve
        from jiuzhu.registry.hooks import on_bank_account_changed

        on_bank_account_changed(account_flags_resolve)
