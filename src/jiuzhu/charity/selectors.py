"""Reads of the charity books. The staff's reads are limited to the user's region subtree; the public ones
(charity.public, re-exported here) carry nothing personal and need no user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.charity.models import (
    Campaign,
    Disbursement,
    DisbursementStatus,
    Donation,
    DonationKind,
    Donor,
    Fund,
    FundEntry,
    Need,
    Purpose,
)
from jiuzhu.charity.public import (
    CampaignTotals,
    MonthTotals,
    PublicAccount,
    PublicDisbursement,
    PublicNeed,
    PurposeTotals,
    family_mask,
    need_rows,
    public_account,
    public_disbursements,
    public_needs,
)
from jiuzhu.core.scope import scope_q
from jiuzhu.registry.models import Household

__all__ = [
    "CampaignTotals",
    "MonthTotals",
    "PublicAccount",
    "PublicDisbursement",
    "PublicNeed",
    "PurposeTotals",
    "family_mask",
    "need_rows",
    "public_account",
    "public_disbursements",
    "public_needs",
]

ZERO = Decimal("0.00")


def donors_visible(*, user: User) -> QuerySet[Donor]:
    return Donor.objects.filter(scope_q(user))


def donations_visible(*, user: User) -> QuerySet[Donation]:
    return Donation.objects.filter(scope_q(user)).select_related("donor", "campaign", "need")


def campaigns_visible(*, user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(scope_q(user))


def needs_visible(*, user: User) -> QuerySet[Need]:
    return Need.objects.filter(scope_q(user)).select_related("household", "household__region")


def funds_visible(*, user: User) -> QuerySet[Fund]:
    return Fund.objects.filter(scope_q(user)).select_related("need")


def disbursements_visible(*, user: User) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(scope_q(user)).select_related(
        "household", "household__region", "fund", "need", "proposed_by", "decided_by"
    )


def entries_visible(*, user: User) -> QuerySet[FundEntry]:
    return FundEntry.objects.filter(scope_q(user))


def donation_get(*, user: User, pk: int) -> Donation:
    return get_object_or_404(donations_visible(user=user), pk=pk)


def donor_get(*, user: User, pk: int) -> Donor:
    return get_object_or_404(donors_visible(user=user), pk=pk)


def campaign_get(*, user: User, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible(user=user), pk=pk)


def need_get(*, user: User, pk: int) -> Need:
    return get_object_or_404(needs_visible(user=user), pk=pk)


def fund_get(*, user: User, pk: int) -> Fund:
    return get_object_or_404(funds_visible(user=user), pk=pk)


def disbursement_get(*, user: User, pk: int) -> Disbursement:
    return get_object_or_404(disbursements_visible(user=user), pk=pk)


def pending_approvals(*, user: User) -> QuerySet[Disbursement]:
    """Proposals waiting for a decision, oldest first (what the approver's home page counts)."""
    return disbursements_visible(user=user).filter(status=DisbursementStatus.PROPOSED).order_by("proposed_on", "id")


def need_raised(*, need: Need) -> Decimal:
    total: Decimal = need.donations.filter(kind=DonationKind.MONEY).aggregate(t=Coalesce(Sum("amount"), ZERO))["t"]
    return total


@dataclass(frozen=True)
class HouseholdCharity:
    disbursements: list[Disbursement]
    received: Decimal  # approved or paid
    needs: list[Need]


def household_charity(*, household: Household) -> HouseholdCharity:
    """What a household has received from the charity funds, for its page (the caller has checked scope)."""
    disbursements = list(household.charity_disbursements.select_related("fund").order_by("-proposed_on", "-id")[:50])
    received: Decimal = household.charity_disbursements.filter(
        status__in=[DisbursementStatus.APPROVED, DisbursementStatus.PAID]
    ).aggregate(t=Coalesce(Sum("amount"), ZERO))["t"]
    return HouseholdCharity(
        disbursements=disbursements, received=received, needs=list(household.charity_needs.order_by("-posted_on"))
    )


def donors_with_totals(*, user: User) -> QuerySet[Donor]:
    return donors_visible(user=user).annotate(
        n=Count("donations"),
        money=Coalesce(Sum("donations__amount", filter=Q(donations__kind=DonationKind.MONEY)), ZERO),
        goods_value=Coalesce(Sum("donations__amount", filter=Q(donations__kind=DonationKind.GOODS)), ZERO),
    )


def fund_for(*, region_code: str, purpose: Purpose | str) -> Fund | None:
    """The county's fund for a purpose (not a need's), if any money ever reached it."""
    return Fund.objects.filter(region_code=region_code, purpose=purpose, need__isnull=True).first()
