"""An approved payroll built straight in the tables, so that the bank-file tests stand on their own
(the payroll service is another helper's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jiuzhu.payments.models import Entitlement, LineKind, Payroll, PayrollLine, PayrollStatus
from jiuzhu.registry.models import Household, Relation

MONTH = dt.date(2027, 1, 1)


@dataclass
class Built:
    payroll: Payroll
    regular: Household  # one regular line, 528.00
    adjusted: Household  # regular 396.00 + back pay 120.00 + recovery -50.00 → 466.00
    settled: Household  # regular 300.00 and recovery -300.00 → nothing to transfer
    other: Household  # 尖山镇, regular 528.00
    entitlements: dict[int, Entitlement]


def _household(make_household: Callable[..., Household], village: Any, name: str, account: str) -> Household:
    return make_household(
        village,
        members=[(name, dt.date(1958, 3, 1), Relation.SELF, {})],
        bank_name="磐安农商银行",
        bank_account=account,
    )


def _line(payroll: Payroll, household: Household, ent: Entitlement, kind: str, fen: int, **kw: Any) -> PayrollLine:
    return PayrollLine.objects.create(
        payroll=payroll,
        household=household,
        region_code=household.region_code,
        program=ent.program,
        entitlement=ent,
        kind=kind,
        service_month=kw.pop("service_month", MONTH),
        amount_fen=fen,
        payee_name=household.head_name,
        bank_name=household.bank_name,
        account_enc=household.bank_account_enc,
        account_masked=household.bank_account_masked,
        **kw,
    )


def build_payroll(
    county: Any, make_household: Callable[..., Household], *, status: str = PayrollStatus.APPROVED
) -> Built:
    regular = _household(make_household, county.village_a1, "王秀英", "6228480001000000011")
    adjusted = _household(make_household, county.village_a2, "欧阳建国", "6228480001000000022")
    settled = _household(make_household, county.village_a2, "李四", "6228480001000000033")
    other = _household(make_household, county.village_b1, "赵六", "6228480001000000044")
    ents = {}
    for h, amount in ((regular, "528"), (adjusted, "396"), (settled, "300"), (other, "528")):
        ents[h.pk] = Entitlement.objects.create(
            household=h,
            region_code=h.region_code,
            program="dibao",
            monthly_amount=Decimal(amount),
            start_month=dt.date(2026, 10, 1),
        )
    payroll = Payroll.objects.create(month=MONTH, region=county.county, region_code=county.county.code, status=status)
    _line(payroll, regular, ents[regular.pk], LineKind.REGULAR, 52800)
    _line(payroll, adjusted, ents[adjusted.pk], LineKind.REGULAR, 39600)
    _line(payroll, adjusted, ents[adjusted.pk], LineKind.BACKPAY, 12000, service_month=dt.date(2026, 12, 1))
    _line(payroll, adjusted, ents[adjusted.pk], LineKind.RECOVERY, -5000, service_month=dt.date(2026, 11, 1))
    _line(payroll, settled, ents[settled.pk], LineKind.REGULAR, 30000)
    _line(payroll, settled, ents[settled.pk], LineKind.RECOVERY, -30000, service_month=dt.date(2026, 12, 1))
    _line(payroll, other, ents[other.pk], LineKind.REGULAR, 52800)
    payroll.line_count = 7
    payroll.total_fen = 52800 + 39600 + 12000 - 5000 + 52800
    payroll.save()
    return Built(payroll, regular, adjusted, settled, other, ents)
