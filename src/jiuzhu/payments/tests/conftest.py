import datetime as dt
from decimal import Decimal

import pytest

from jiuzhu.payments import services
from jiuzhu.registry.models import Relation


@pytest.fixture
def dibao(standards, make_household, approver):
    """A one-person urban 低保 household paid 528 a month from January 2026, with the shipped standards."""
    hh = make_household(standards.village_a1, [("赵六", dt.date(1976, 5, 1), Relation.SELF, {})])
    return services.entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_urban",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("528"),
        start_month=dt.date(2026, 1, 1),
    )
