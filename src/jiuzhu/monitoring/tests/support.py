"""Households for the monitoring tests: one per kind of candidate, and a near miss."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jiuzhu.payments.models import Entitlement
from jiuzhu.registry.models import Household, Labor, Relation

ON = dt.date(2026, 11, 10)


@dataclass
class Households:
    dibao: Household  # rural, draws 低保
    edge: Household  # rural, income just above the 低保 standard, below 1.5 ×
    rigid: Household  # urban, well paid but with heavy medical spending
    elderly: Household  # rural, edge: two old people without labour, transfers and dividends only, a grandson at school
    near_miss: Household  # urban, income just above the edge line (810 after job costs, line 792)
    other: Household  # township B: a low-income household caseworker_a must not see


def _person(name: str, born: dt.date, rel: str, **fields: Any) -> tuple[str, dt.date, str, dict[str, Any]]:
    return (name, born, rel, fields)


def build(county: Any, make: Callable[..., Household]) -> Households:
    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    dibao = make(
        a2,
        [
            _person("王大", dt.date(1975, 1, 1), Relation.SELF, income_wage=Decimal("500")),
            _person("王二", dt.date(2012, 1, 1), Relation.SON, labor=Labor.NONE, student=True),
        ],
    )
    Entitlement.objects.create(
        household=dibao,
        region_code=dibao.region_code,
        program="dibao_rural",
        monthly_amount=Decimal("292"),
        start_month=dt.date(2026, 1, 1),
    )
    # 396 × 1.5 = 594 per person: 1100 for two is 550, above the standard, below the edge line.
    edge = make(
        a2,
        [
            _person("李大", dt.date(1970, 1, 1), Relation.SELF, income_wage=Decimal("1100")),
            _person("李二", dt.date(1972, 1, 1), Relation.SPOUSE, labor=Labor.PARTIAL),
        ],
    )
    rigid = make(
        a1,
        [
            _person(
                "赵大",
                dt.date(1980, 1, 1),
                Relation.SELF,
                income_wage=Decimal("2400"),
                serious_illness=True,
                rigid_medical=Decimal("1300"),
            )
        ],
        area="urban",
    )
    elderly = make(
        a2,
        [
            _person("孙爷", dt.date(1940, 1, 1), Relation.SELF, labor=Labor.NONE, income_transfer=Decimal("1000")),
            _person("孙奶", dt.date(1942, 1, 1), Relation.SPOUSE, labor=Labor.NONE),
            _person(
                "孙孙",
                dt.date(2013, 1, 1),
                Relation.GRANDSON,
                labor=Labor.NONE,
                student=True,
                income_property=Decimal("600"),
            ),
        ],
    )
    near_miss = make(
        a1,
        [
            _person("钱大", dt.date(1980, 1, 1), Relation.SELF, income_wage=Decimal("1000")),
            _person("钱二", dt.date(1982, 1, 1), Relation.SPOUSE, income_wage=Decimal("800")),
        ],
        area="urban",
    )
    other = make(b1, [_person("周大", dt.date(1960, 1, 1), Relation.SELF, income_wage=Decimal("300"))])
    return Households(dibao, edge, rigid, elderly, near_miss, other)
