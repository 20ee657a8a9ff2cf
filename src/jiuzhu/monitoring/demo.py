"""The demo county's monitoring, as a county would have it after a few months: the scan run on two dates (so
some townships' households are due for their two-monthly assessment and others not), a poverty register
received and enrolled, caseworkers' home assessments with their opinions, measures logged, a few risks
eliminated (still monitored), and red warnings left unanswered on the to-do lists. Everything goes through
the services a user's click would call (called by the demo app after the payrolls exist)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Count

from jiuzhu.accounts.models import User
from jiuzhu.core import pii
from jiuzhu.core.scope import prefix_q
from jiuzhu.monitoring.models import MeasureKind, MonitoredHousehold, RiskFactor, Status
from jiuzhu.monitoring.services import (
    measure_add,
    monitored_eliminate,
    monitored_reassess,
    monitoring_scan,
    poverty_register_enrol,
)
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household, Person

# How many monitored households get hand work (assessments, measures); the rest only the scan's.
_HAND_WORK = 240
_REGISTER_SHARE = 0.01  # of households named by the poverty register
_ELIMINATE_SHARE = 0.4  # of the hand-worked households no longer red whose risk is eliminated

MEASURES = {
    MeasureKind.INDUSTRY: ("发放中药材种苗补助，合作社带动种植", "申请小额信贷发展养殖", "入股村集体茶叶基地分红"),
    MeasureKind.EMPLOYMENT: ("推荐公益性岗位（护林员）", "参加县人社局技能培训", "组织劳务输出到县工业园区"),
    MeasureKind.PROTECTION: ("申请临时救助", "落实医疗救助和大病保险", "纳入低保，按月发放", "资助参加城乡居民医保"),
    MeasureKind.ENCOURAGEMENT: ("参加乡风文明评比", "结对干部上门宣讲政策"),
    MeasureKind.SOCIAL: ("慈善总会“爱心助学”资助", "企业结对帮扶", "购买防返贫保险"),
}
NOTES = (
    "入户走访，家庭基本生活有保障，继续跟踪收入变化",
    "主要劳动力务工不稳定，需加强就业帮扶",
    "患者仍在治疗，医疗支出较大",
    "子女在校，教育支出增加，已落实助学",
)
DISASTER_NOTES = ("入户走访：房屋受暴雨损毁，已报应急部门", "入户走访：农作物受冰雹灾害减产")
ELIMINATED = (
    "家庭成员稳定就业，人均收入连续两次评估高于监测收入线",
    "医疗救助报销后刚性支出回落，基本生活无困难",
    "产业项目见效，收入稳定增长",
)


@dataclass
class MonitoringSeed:
    monitored: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    due: int = 0
    eliminated: int = 0
    measures: int = 0
    register: int = 0


def _register_frame(county: Region, rng: random.Random) -> pl.DataFrame:
    """A poverty register as the 乡村振兴 department sends it: a sample of rural households' members."""
    rural = Household.objects.filter(prefix_q(county.prefix), area="rural").order_by("id")
    ids = list(rural.values_list("id", flat=True))
    # Households lifted out of poverty are often old people living alone or together, without labour.
    no_labour = list(rural.exclude(members__labor__in=["full", "partial"]).values_list("id", flat=True))
    chosen = sorted(
        set(rng.sample(ids, min(len(ids), max(1, int(len(ids) * _REGISTER_SHARE)))))
        | set(rng.sample(no_labour, min(len(no_labour), 20)))
    )
    rows = list(Person.objects.filter(household_id__in=chosen).values_list("id_number_enc", "name", "relation"))
    numbers = pii.decrypt_many([r[0] for r in rows])
    return pl.DataFrame(
        {
            "id_number": numbers,
            "register_number": [f"FP{i:06d}" for i in range(len(rows))],
            "name": [r[1] for r in rows],
            "relation": [r[2] for r in rows],
        },
        schema=dict.fromkeys(("id_number", "register_number", "name", "relation"), pl.String),
    )


def _hand_work(
    monitored: MonitoredHousehold, actor: User, today: dt.date, rng: random.Random, seed: MonitoringSeed
) -> None:
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(list(MEASURES))
        measure_add(
            actor=actor, monitored=monitored, kind=kind, taken_on=today - dt.timedelta(days=rng.randint(0, 50)),
            description=rng.choice(MEASURES[kind]),
        )  # fmt: skip
        seed.measures += 1
    factors = list(monitored.factor_codes)
    if rng.random() < 0.4:
        factors.append(rng.choice([RiskFactor.EMPLOYMENT, RiskFactor.DISASTER, RiskFactor.BUSINESS]).value)
    monitored_reassess(
        actor=actor, monitored=monitored, factors=factors, note=rng.choice(NOTES),
        on=today - dt.timedelta(days=rng.randint(0, 20)),
    )  # fmt: skip
    monitored.refresh_from_db()
    # Only a risk the rules no longer call red is eliminated (the registry's figures back the decision).
    if monitored.level != "red" and rng.random() < _ELIMINATE_SHARE:
        monitored_eliminate(actor=actor, monitored=monitored, reasons=rng.choice(ELIMINATED), on=today)
        seed.eliminated += 1


def monitoring_seed(*, county: Region, today: dt.date, rng_seed: int, caseworkers: list[User]) -> MonitoringSeed:
    """Monitors the demo county: scans, the register, and the `caseworkers`' hand work in their townships."""
    rng = random.Random(rng_seed)
    seed = MonitoringSeed()
    townships = list(Region.objects.filter(prefix_q(county.prefix, "code"), level=Level.TOWNSHIP).order_by("code"))
    # The first half of the townships scanned 70 days ago (due now), the rest 30 days ago (due next month).
    half = max(1, len(townships) // 2)
    for i, township in enumerate(townships):
        on = today - dt.timedelta(days=70 if i < half else 30)
        monitoring_scan(actor=None, region=township, on=on)
    seed.register = poverty_register_enrol(
        actor=None, region=county, frame=_register_frame(county, rng), on=today - dt.timedelta(days=20)
    ).households
    for actor in caseworkers:
        # A disaster found on the visit to registered households without a warning (第8篇: 因灾).
        quiet = MonitoredHousehold.objects.filter(
            prefix_q(actor.scope_prefix or ""), in_poverty_register=True, level="none"
        ).select_related("household")
        for monitored in quiet:
            monitored_reassess(
                actor=actor, monitored=monitored, factors=[*monitored.factor_codes, RiskFactor.DISASTER.value],
                note=rng.choice(DISASTER_NOTES), on=today - dt.timedelta(days=rng.randint(0, 15)),
            )  # fmt: skip
        mine = list(
            MonitoredHousehold.objects.filter(prefix_q(actor.scope_prefix or ""))
            .order_by("id")
            .values_list("pk", flat=True)
        )
        # About half of each township's households get hand work: the rest stay due or unanswered.
        for pk in sorted(rng.sample(mine, min(len(mine) // 2, _HAND_WORK // 2))):
            monitored = MonitoredHousehold.objects.select_related("household").get(pk=pk)
            _hand_work(monitored, actor, today, rng, seed)
    everyone = MonitoredHousehold.objects.filter(prefix_q(county.prefix))
    seed.monitored = everyone.count()
    seed.by_level = dict(everyone.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    seed.by_category = dict(everyone.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    seed.due = everyone.filter(next_assessment__lte=today).count()
    seed.eliminated = everyone.filter(status=Status.ELIMINATED).count()
    return seed
