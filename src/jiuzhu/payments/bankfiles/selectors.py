"""Reads for the bank-file pages, limited to the user's region subtree: out of scope does not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import scope_q
from jiuzhu.payments.bankfiles.export import BANK_CAPABILITY
from jiuzhu.payments.models import BankFile, BankReturn, Payroll


def payrolls_for_bank(*, user: User) -> QuerySet[Payroll]:
    if not user.has_capability(BANK_CAPABILITY):
        return Payroll.objects.none()
    return Payroll.objects.filter(scope_q(user)).select_related("region")


def payroll_for_bank_get(*, user: User, pk: int) -> Payroll:
    return get_object_or_404(payrolls_for_bank(user=user), pk=pk)


def bank_files_of(*, payroll: Payroll) -> QuerySet[BankFile]:
    return payroll.bank_files.select_related("created_by").order_by("-created_at", "-id")


def bank_file_get(*, user: User, pk: int) -> BankFile:
    return get_object_or_404(
        BankFile.objects.select_related("payroll__region"), pk=pk, payroll__in=payrolls_for_bank(user=user)
    )


def bank_returns_of(*, payroll: Payroll) -> QuerySet[BankReturn]:
    return payroll.bank_returns.select_related("imported_by").order_by("-imported_at", "-id")
