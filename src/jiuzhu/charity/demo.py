"""The demo county's charity books, in the order things happen: the charity day (慈善一日捐) raises money from
companies, villages, schools and people, some of it designated; the office posts needs, a donor funds one in full;
disbursements are proposed, approved, paid, one refused, two still waiting. Everything goes through the services
a click would call (called by demo_build after the logins exist)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import DonationKind, DonorKind, Purpose
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household

# Fictional donors in the manner of the seed's charity-day report (companies, banks, villages, schools, people).
ORGANISATIONS = [
    ("县农村商业银行", 80000),
    ("磐城建设集团有限公司", 60000),
    ("安文药业有限公司", 30000),
    ("县实验小学师生", 12850),
    ("云山社区居民委员会", 8000),
    ("尖山镇商会", 25000),
]
PEOPLE = [("陈国良", 2000), ("周雅芳", 500), ("郑建华", 1000), ("吴晓东", 300), ("葛秀英", 200)]


def _households(county: Region, n: int, rng: random.Random) -> list[Household]:
    """n households spread over the county's townships, a few from each in turn."""
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    in_county = Household.objects.exclude(head_name="").order_by("id")
    pools = [
        list(in_county.filter(region_code__startswith=t.prefix).values_list("id", flat=True)[:200]) for t in townships
    ]
    pools = [p for p in pools if p]
    picked: list[int] = []
    while pools and len(picked) < n:
        for pool in list(pools):
            if len(picked) >= n:
                break
            if not pool:
                pools.remove(pool)
                continue
            picked.append(pool.pop(rng.randrange(len(pool))))
    return sorted(Household.objects.filter(id__in=picked), key=lambda h: picked.index(h.pk))


@transaction.atomic
def charity_seed(*, county: Region, today: dt.date, officer: User, approver: User, rng_seed: int = 0) -> int:
    """Seed the books; returns the number of donations recorded."""
    rng = random.Random(rng_seed)
    families = _households(county, 12, rng)
    if len(families) < 12:
        return 0
    starts = today - dt.timedelta(days=75)
    day = services.campaign_create(
        actor=officer, name=f"{starts.year}年“慈善一日捐”", starts_on=starts, ends_on=starts + dt.timedelta(days=30),
        goal="300000",
        description="倡议全县机关、企事业单位、村居和社会各界每人捐出一天收入，用于助学、助医、助老、助残和临时困难救助。",
    )  # fmt: skip
    count = 0
    for i, (name, amount) in enumerate(ORGANISATIONS):
        donor = services.donor_create(actor=officer, name=name, kind=DonorKind.ORGANISATION)
        purpose = Purpose.EDUCATION if "小学" in name else (Purpose.MEDICAL if "药业" in name else Purpose.GENERAL)
        services.donation_record(
            actor=officer, donor=donor, amount=amount, campaign=day, purpose=purpose,
            received_on=starts + dt.timedelta(days=1 + i * 3),
        )  # fmt: skip
        count += 1
    for i, (name, amount) in enumerate(PEOPLE):
        donor = services.donor_create(actor=officer, name=name, anonymous=i == 1, phone=f"1380571{1000 + i:04d}")
        services.donation_record(
            actor=officer, donor=donor, amount=amount, campaign=day, received_on=starts + dt.timedelta(days=2 + i * 4)
        )
        count += 1
    services.donation_record(
        actor=officer, amount="6400", kind=DonationKind.GOODS, goods_description="棉被 80 床（爱心企业捐赠）",
        campaign=day, received_on=starts + dt.timedelta(days=20),
    )  # fmt: skip
    services.donation_record(
        actor=officer, amount="20000", purpose=Purpose.ELDERLY, received_on=starts + dt.timedelta(days=35),
        note="重阳节敬老专项捐款",
    )  # fmt: skip
    count += 2
    count += _needs(officer, approver, families[:4], today)
    _disbursements(officer, approver, families[4:], today)
    return count


def _needs(officer: User, approver: User, families: list[Household], today: dt.date) -> int:
    """Three open needs (one half funded), one met in full and paid out."""
    posted = today - dt.timedelta(days=30)
    texts = [
        ("孩子考上大学，缺第一年学费", Purpose.EDUCATION, "8000", "家中孩子今年考入省内本科院校，父亲患病无法务工。"),
        ("老人白内障手术费用", Purpose.MEDICAL, "6000", "独居老人需做双眼白内障手术，医保报销后仍有缺口。"),
        ("残疾人康复辅具", Purpose.DISABILITY, "3500", "肢体残疾，需要适配轮椅和康复训练器材。"),
        ("房屋受损后过冬物资", Purpose.DISASTER, "2000", "暴雨致房屋部分受损，需添置被褥和取暖用品。"),
    ]
    needs = [
        services.need_post(actor=officer, household=h, title=t, purpose=p, target=a, description=d, on=posted)
        for h, (t, p, a, d) in zip(families, texts, strict=True)
    ]
    services.donation_record(actor=officer, amount="3000", need=needs[0], received_on=posted + dt.timedelta(days=3))
    services.donation_record(actor=officer, amount="2000", need=needs[3], received_on=posted + dt.timedelta(days=4))
    met = needs[3]
    d = services.disbursement_propose(
        actor=officer, household=met.household, category=met.purpose, amount="2000", need=met,
        reason="定向需求已筹满，购置被褥和取暖用品", on=posted + dt.timedelta(days=6),
    )  # fmt: skip
    services.disbursement_approve(actor=approver, disbursement=d, on=posted + dt.timedelta(days=7))
    services.disbursement_pay(actor=officer, disbursement=d, on=posted + dt.timedelta(days=9), note="物资已送达")
    return 2


def _disbursements(officer: User, approver: User, families: list[Household], today: dt.date) -> None:
    """Eight disbursements: four paid, one approved awaiting payment, one refused, two waiting for approval."""
    plan = [
        (Purpose.EDUCATION, "2000", "高中在读学生学杂费资助", "paid"),
        (Purpose.MEDICAL, "5000", "住院治疗自付费用较高", "paid"),
        (Purpose.ELDERLY, "800", "重阳节走访慰问困难老人", "paid"),
        (Purpose.HARDSHIP, "1500", "家中突发火灾，生活用品损毁", "paid"),
        (Purpose.DISABILITY, "1200", "重度残疾人护理用品", "approved"),
        (Purpose.MEDICAL, "3000", "重复申请：已获医疗救助全额报销", "refused"),
        (Purpose.ORPHAN, "1000", "事实无人抚养儿童生活补助", "proposed"),
        (Purpose.EDUCATION, "1500", "中职学生生活费资助", "proposed"),
    ]
    proposed_on = today - dt.timedelta(days=20)
    for i, (household, (category, amount, reason, state)) in enumerate(zip(families, plan, strict=False)):
        on = proposed_on + dt.timedelta(days=i)
        from_general = category in (Purpose.HARDSHIP, Purpose.ORPHAN, Purpose.DISABILITY)
        d = services.disbursement_propose(
            actor=officer, household=household, category=category, amount=Decimal(amount), reason=reason,
            from_general=from_general, on=on,
        )  # fmt: skip
        if state in ("paid", "approved"):
            services.disbursement_approve(actor=approver, disbursement=d, on=on + dt.timedelta(days=2))
        if state == "paid":
            services.disbursement_pay(actor=officer, disbursement=d, on=on + dt.timedelta(days=5), note="银行转账")
        if state == "refused":
            services.disbursement_refuse(
                actor=approver, disbursement=d, reason="已获医疗救助，重复救助", on=on + dt.timedelta(days=2)
            )
