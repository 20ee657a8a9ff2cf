"""Money in and out of the funds: the balance never goes below zero, designated money goes only where it was
designated, and one person never both proposes and approves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import (
    DisbursementStatus,
    DonationKind,
    Fund,
    FundEntry,
    NeedStatus,
    Purpose,
)
from jiuzhu.charity.tests.conftest import D
from jiuzhu.registry.models import Household

pytestmark = pytest.mark.django_db


def _give(officer: User, amount: str, purpose: Purpose = Purpose.GENERAL, **kw: Any) -> Any:
    return services.donation_record(actor=officer, amount=amount, received_on=D, purpose=purpose, **kw)


def test_a_donation_gets_a_receipt_number_and_credits_its_fund(charity_officer: User, standards: Any) -> None:
    first = _give(charity_officer, "500")
    second = _give(charity_officer, "300.50", Purpose.EDUCATION)
    assert first.receipt_number == "CS3307272026000001"
    assert second.receipt_number == "CS3307272026000002"
    general = Fund.objects.get(purpose=Purpose.GENERAL, need=None)
    assert general.balance == Decimal("500.00")
    assert Fund.objects.get(purpose=Purpose.EDUCATION).balance == Decimal("300.50")
    assert FundEntry.objects.count() == 2


def test_goods_are_recorded_but_stay_out_of_the_funds(charity_officer: User, standards: Any) -> None:
    d = _give(charity_officer, "1200", kind=DonationKind.GOODS, goods_description="棉被 40 床")
    assert d.fund is None
    assert not FundEntry.objects.exists()
    with pytest.raises(ValidationError):
        _give(charity_officer, "100", kind=DonationKind.GOODS)


def test_a_disbursement_larger_than_the_balance_is_refused(
    charity_officer: User, approver: User, family_a: Household, standards: Any
) -> None:
    _give(charity_officer, "800", Purpose.MEDICAL)
    with pytest.raises(ValidationError, match="资金余额不足"):
        services.disbursement_propose(
            actor=charity_officer, household=family_a, category=Purpose.MEDICAL, amount="900", reason="住院", on=D
        )
    d = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.MEDICAL, amount="600", reason="住院", on=D
    )
    other = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.MEDICAL, amount="600", reason="复诊", on=D
    )
    services.disbursement_approve(actor=approver, disbursement=d, on=D)
    with pytest.raises(ValidationError, match="资金余额不足"):
        services.disbursement_approve(actor=approver, disbursement=other, on=D)
    other.refresh_from_db()
    assert other.status == DisbursementStatus.PROPOSED
    assert Fund.objects.get(purpose=Purpose.MEDICAL).balance == Decimal("200.00")


def test_the_database_itself_refuses_a_negative_balance(charity_officer: User, standards: Any) -> None:
    _give(charity_officer, "10")
    fund = Fund.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(balance=Decimal("-0.01"))


def test_the_proposer_cannot_approve_and_the_officer_cannot_approve_at_all(
    charity_officer: User, approver: User, family_a: Household, standards: Any
) -> None:
    _give(charity_officer, "1000")
    d = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.HARDSHIP,
        amount="300", reason="火灾", from_general=True, on=D,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.disbursement_approve(actor=charity_officer, disbursement=d, on=D)
    services.disbursement_approve(actor=approver, disbursement=d, on=D)
    d.refresh_from_db()
    assert d.status == DisbursementStatus.APPROVED
    services.disbursement_pay(actor=charity_officer, disbursement=d, on=D)
    d.refresh_from_db()
    assert d.status == DisbursementStatus.PAID


def test_designated_money_goes_only_to_its_purpose(charity_officer: User, family_a: Household, standards: Any) -> None:
    _give(charity_officer, "5000", Purpose.EDUCATION)
    with pytest.raises(ValidationError, match="资金余额不足"):
        services.disbursement_propose(
            actor=charity_officer, household=family_a, category=Purpose.ELDERLY, amount="100", reason="慰问", on=D
        )


def test_a_need_takes_its_designated_money_and_pays_only_its_family(
    charity_officer: User, approver: User, family_a: Household, family_b: Household, standards: Any
) -> None:
    need = services.need_post(
        actor=charity_officer, household=family_a, title="孩子上大学学费", purpose=Purpose.EDUCATION,
        target="3000", description="考上省内本科，缺学费", on=D,
    )  # fmt: skip
    _give(charity_officer, "2000", need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    _give(charity_officer, "1000", need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    with pytest.raises(ValidationError, match="已筹满"):
        _give(charity_officer, "10", need=need)
    with pytest.raises(ValidationError, match="该需求的家庭"):
        services.disbursement_propose(
            actor=charity_officer, household=family_b, category=Purpose.EDUCATION, amount="100", reason="x",
            need=need, on=D,
        )  # fmt: skip
    d = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.EDUCATION, amount="3000", reason="学费",
        need=need, on=D,
    )  # fmt: skip
    services.disbursement_approve(actor=approver, disbursement=d, on=D)
    assert Fund.objects.get(need=need).balance == Decimal("0.00")


def test_a_need_refuses_an_id_number_or_a_phone_in_its_text(
    charity_officer: User, family_a: Household, standards: Any
) -> None:
    for text in ("联系 13812345678", "身份证 330727195803011234", "王小明的孩子上学"):
        with pytest.raises(ValidationError, match=r"个人信息|姓名"):
            services.need_post(
                actor=charity_officer, household=family_a, title="学费", purpose=Purpose.EDUCATION, target="100",
                description=text, on=D,
            )  # fmt: skip


def test_a_disbursement_over_the_category_cap_is_refused(
    charity_officer: User, family_a: Household, standards: Any
) -> None:
    _give(charity_officer, "100000", Purpose.ELDERLY)
    with pytest.raises(ValidationError, match=r"单笔支出不超过 2,000\.00 元"):
        services.disbursement_propose(
            actor=charity_officer, household=family_a, category=Purpose.ELDERLY, amount="2500", reason="x", on=D
        )


def test_refusal_needs_a_reason_and_moves_no_money(
    charity_officer: User, approver: User, family_a: Household, standards: Any
) -> None:
    _give(charity_officer, "1000", Purpose.DISASTER)
    d = services.disbursement_propose(
        actor=charity_officer, household=family_a, category=Purpose.DISASTER, amount="500", reason="水灾", on=D
    )
    with pytest.raises(ValidationError):
        services.disbursement_refuse(actor=approver, disbursement=d, reason=" ", on=D)
    services.disbursement_refuse(actor=approver, disbursement=d, reason="已获政府救灾资金", on=D)
    d.refresh_from_db()
    assert d.status == DisbursementStatus.REFUSED
    assert Fund.objects.get(purpose=Purpose.DISASTER).balance == Decimal("1000.00")
    with pytest.raises(ValidationError, match="不能重复审批"):
        services.disbursement_approve(actor=approver, disbursement=d, on=D)


def test_a_township_caseworker_can_do_nothing_here(caseworker_a: User, family_a: Household, standards: Any) -> None:
    with pytest.raises(PermissionDenied):
        _give(caseworker_a, "10")
    with pytest.raises(PermissionDenied):
        services.need_post(
            actor=caseworker_a, household=family_a, title="t", purpose=Purpose.EDUCATION, target="1", on=D
        )
