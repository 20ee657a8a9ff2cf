from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    label = "payments"
    verbose_name = _("待遇与发放")

    def ready(self) -> None:
        from jiuzhu.core.labels import register_key_labels

        register_key_labels(
            "payroll",
            {"layout": _("银行文件格式"), "count": _("笔数"), "total_fen": _("合计（分）"), "paid": _("发放成功笔数"),
             "failed": _("发放失败笔数"), "reconciled": _("已对账")},
        )  # fmt: skip
        register_key_labels(
            "entitlement",
            {"key": _("调整的参数"), "effective_month": _("生效月份"), "raised": _("提高金额的待遇"),
             "for_decision": _("待人工决定的待遇")},
        )  # fmt: skip
        # The household page shows the payment ledger without the registry importing this app.
        from jiuzhu.core.capabilities import Capability
        from jiuzhu.core.navigation import GROUP_MONEY, MenuItem, register_menu
        from jiuzhu.payments import panels  # noqa: F401
        from jiuzhu.payments.bankfiles.returns import account_flags_resolve
        from jiuzhu.payments.services.entitlements import entitlements_stop_on_death
        from jiuzhu.registry.hooks import on_bank_account_changed, on_death_recorded

        register_menu(
            MenuItem(84, "payments:recipients", _("在保对象"), group=GROUP_MONEY),
            MenuItem(85, "payments:list", _("资金发放"), Capability.VIEW_PAYROLL, group=GROUP_MONEY),
        )
        # A corrected bank account releases the money the bank returned: the next payroll pays it.
        on_bank_account_changed(account_flags_resolve)
        # A death recorded in the registry stops what paid for the dead person from the next month.
        on_death_recorded(entitlements_stop_on_death)
