"""A 提标 recompute replaces entitlements by new links of their chains: their open reviews follow (through
payments.hooks.on_entitlements_replaced, registered in CasesConfig.ready)."""

import datetime as dt
from decimal import Decimal

from jiuzhu.cases.models import Review, ReviewKind
from jiuzhu.payments.models import Entitlement
from jiuzhu.payments.services import entitlement_create, entitlements_recompute
from jiuzhu.policy.services import parameter_add
from jiuzhu.registry.models import Relation

D = dt.date.fromisoformat


def test_open_reviews_follow_the_new_link(standards, make_household, approver, admin):
    hh = make_household(standards.village_a1, [("赵六", D("1976-05-01"), Relation.SELF, {})])
    old = entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_urban",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("528"),
        start_month=D("2026-01-01"),
    )
    review = Review.objects.create(
        entitlement=old, region_code=old.region_code, kind=ReviewKind.SCHEDULED, due_date=D("2026-12-01")
    )
    parameter_add(
        actor=admin,
        region=standards.county,
        key="dibao.standard.urban",
        value="600",
        effective_from=D("2026-04-01"),
        source="县政府文件",
    )
    entitlements_recompute(
        actor=admin, key="dibao.standard.urban", region=standards.county, effective_from=D("2026-04-01")
    )
    review.refresh_from_db()
    assert review.entitlement == Entitlement.objects.get(previous=old)
