from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jiuzhu.accounts.models import Role, User
from jiuzhu.accounts.services import user_create
from jiuzhu.registry.models import Household, Relation

D = dt.date(2026, 5, 15)


@pytest.fixture
def approver_2(county: Any) -> User:
    """A second county approver, for two approvals at once."""
    return user_create(
        actor=None, username="approver2", password="x-Strong-pass-1", role=Role.COUNTY_APPROVER,
        region=county.county, full_name="县审批二", check_password=False,
    )  # fmt: skip


@pytest.fixture
def family_a(county: Any, make_household: Callable[..., Household]) -> Household:
    return make_household(county.village_a1, members=[("王小明", dt.date(1958, 3, 1), Relation.SELF, {})])


@pytest.fixture
def family_b(county: Any, make_household: Callable[..., Household]) -> Household:
    return make_household(county.village_b1, members=[("李四海", dt.date(1970, 8, 9), Relation.SELF, {})])
