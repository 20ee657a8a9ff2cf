"""Demo grievances for a generated county: every state, every channel, some overdue and escalated, some about
cases (one with a re-check opened), across the townships.

Written through the services with back-dated days, so each one has the timeline, deadline and audit entries
the desk would have produced. The county's approver assigns and closes; the township caseworkers handle their
own townships, the approver the others (as the county office)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jiuzhu.accounts.models import Capability, Role, User
from jiuzhu.cases.models import Case, Status
from jiuzhu.core.workdays import add_workdays
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Channel, Grievance, Kind, Satisfaction, State, Topic
from jiuzhu.payments.models import Entitlement, EntitlementStatus
from jiuzhu.regions.models import Level, Region

# (kind, topic, what the complainant wrote, what the office answered)
TEXTS: tuple[tuple[Kind, Topic, str, str], ...] = (
    (Kind.REPORT, Topic.FAVORITISM, "反映本村村干部的亲戚家里有小轿车、在县城有商品房，却一直在领低保，请核查。",
     "经入户调查和车辆、房产信息比对，该户车辆登记在其已分户的儿子名下，县城住房为儿子所有，"
     "该户符合低保条件。已将核查结果向村民公开说明。"),
    (Kind.REPORT, Topic.ELIGIBILITY, "举报某户家中开了小卖部，收入不低，不应享受低保。",
     "经核查，该户确有经营性收入未如实申报，已按规定停发低保金并追回多发部分。感谢您的监督。"),
    (Kind.COMPLAINT, Topic.DELAY, "三月份交的低保申请材料，到现在两个多月了还没有人来入户调查。",
     "经查，因经办人员调整导致调查延误，已于本周完成入户调查，申请正在审核中，我们已对相关人员进行批评教育。"),
    (Kind.COMPLAINT, Topic.PAYMENT, "这个月的低保金到现在还没有到账，银行说没有收到代发。",
     "经核实，因您的银行卡已挂失换卡，代发失败。已更新账户信息并于次月补发。"),
    (Kind.COMPLAINT, Topic.CONDUCT, "到乡镇窗口办事，工作人员态度生硬，让我跑了三趟还没说清楚要带什么材料。",
     "已对窗口工作人员进行批评教育，并在窗口张贴一次性告知清单。向您致歉。"),
    (Kind.COMPLAINT, Topic.AMOUNT, "我家三口人，为什么低保金比邻居家少？",
     "低保金按家庭人均收入与保障标准的差额计算，您家有务工收入，因此金额不同。具体计算过程已电话向您说明。"),
    (Kind.INQUIRY, Topic.POLICY, "请问老人满80周岁的高龄津贴怎么申请，需要带什么材料？",
     "80周岁以上老人凭身份证、户口簿到户籍所在村（社区）登记即可，无需另行提交申请表，次月起发放。"),
    (Kind.INQUIRY, Topic.POLICY, "家里有人得了大病，医药费花了很多，能申请临时救助吗？",
     "因病导致基本生活出现严重困难的，可以申请支出型临时救助，请携带身份证、户口簿和医疗费用票据到乡镇社会救助窗口申请。"),
    (Kind.INQUIRY, Topic.POLICY, "重度残疾人护理补贴的标准是多少？",
     "一级残疾每月100元，二级及符合条件的三级智力、精神残疾每月80元，按月发放。"),
    (Kind.SUGGESTION, Topic.OTHER, "建议在村里公示栏之外，也在微信群里发布低保公示，方便在外打工的人监督。",
     "感谢您的建议。公示须在村务公开栏张贴，我们将同时在门户网站公示栏目发布（已隐去身份信息）。"),
    (Kind.SUGGESTION, Topic.DELAY, "建议救助申请可以在网上提交，老人跑一趟乡镇很不方便。",
     "门户网站已开通网上申请，也可委托村（社区）代为申请。"),
)  # fmt: skip

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "秀英", "桂兰", "志强", "丽华", "海燕", "德明", "春梅", "国庆", "玉兰", "小军", "红霞")

# How many of each state per county, oldest first: the received ones are recent, some open ones overdue.
PLAN: tuple[tuple[State, int], ...] = (
    (State.CLOSED, 14),
    (State.ANSWERED, 6),
    (State.INVESTIGATING, 6),
    (State.ASSIGNED, 5),
    (State.RECEIVED, 5),
)


def _handler(township: Region, fallback: User) -> User:
    user = User.objects.filter(region=township, role=Role.TOWNSHIP_CASEWORKER, is_active=True).order_by("id").first()
    return user if user is not None and user.has_capability(Capability.HANDLE_GRIEVANCE) else fallback


def _recorder(township: Region, county_user: User) -> User:
    user = User.objects.filter(region=township, role=Role.TOWNSHIP_CASEWORKER).order_by("id").first()
    return user or county_user


def _about_case(county: Region) -> Case | None:
    """An approved case whose assistance runs: the subject of a report that opens a re-check."""
    running = Entitlement.objects.filter(
        source_case__isnull=False, source_case__status=Status.APPROVED, region_code__startswith=county.prefix
    ).exclude(status=EntitlementStatus.STOPPED)
    ent = running.select_related("source_case").order_by("id").first()
    return ent.source_case if ent is not None else None


@transaction.atomic
def grievances_seed(*, county: Region, today: dt.date, rng_seed: int = 0) -> dict[str, int]:
    """Seeds the desk of `county`; returns how many grievances were written, by state. Needs the logins."""
    rng = random.Random(rng_seed + 14)
    desk = User.objects.filter(role=Role.COUNTY_APPROVER, region=county).order_by("id").first()
    if desk is None:
        return {}
    townships = list(Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
    # The first two townships (where the demo's caseworkers sit) get most of them.
    weights = [6 if i < 2 else 1 for i in range(len(townships))]
    case = _about_case(county)
    counts: dict[str, int] = {}
    n = sum(k for _s, k in PLAN)
    i = 0
    for state, k in PLAN:
        for _j in range(k):
            # Spread over the last ~100 days, oldest first; the last few received within the week.
            back = max(0, int((n - i) * 100 / n) - rng.randint(0, 3))
            received = today - dt.timedelta(days=back)
            township = rng.choices(townships, weights)[0]
            subject = case if (case is not None and i == 3) else None
            _one(rng, state, township, received, today, desk, subject)
            counts[state] = counts.get(state, 0) + 1
            i += 1
    services.grievances_escalate(on=today, region_code=county.prefix)
    return counts


def _one(
    rng: random.Random,
    state: State,
    township: Region,
    received: dt.date,
    today: dt.date,
    desk: User,
    subject: Case | None,
) -> Grievance:
    kind, topic, content, answer = TEXTS[rng.randrange(len(TEXTS))]
    if subject is not None:  # a report about a case concerns the case's township
        kind, topic, content, answer = TEXTS[1]
        township = Region.objects.get(code=subject.region_code[:9] + "000")
    channel = rng.choice([Channel.PORTAL, Channel.PORTAL, Channel.WINDOW, Channel.PHONE, Channel.LETTER])
    villages = list(Region.objects.filter(parent=township, level=Level.VILLAGE).order_by("code")[:8])
    region = subject.household.region if subject is not None else rng.choice([township, *villages])
    anonymous = kind == Kind.REPORT and rng.random() < 0.6
    recorder = None if channel == Channel.PORTAL else _recorder(township, desk)
    if recorder is not None and not recorder.has_capability(Capability.RECORD_GRIEVANCE):
        recorder = desk
    sub = services.grievance_submit(
        actor=recorder,
        channel=channel,
        kind=kind,
        topic=topic,
        content=content,
        region=region,
        anonymous=anonymous,
        contact_name="" if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN),
        contact_phone="" if anonymous else f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        subject_case=subject,
        on=received,
    )
    g = sub.grievance
    if state == State.RECEIVED:
        return g
    handler = _handler(township, desk)
    day = min(add_workdays(received, 1), today)
    if kind == Kind.INQUIRY and state in (State.ANSWERED, State.CLOSED) and handler is not desk:
        g = services.grievance_answer(actor=handler, grievance=g, answer=answer, on=day)
    else:
        g = services.grievance_assign(actor=desk, grievance=g, region=township, on=day)
        if state == State.ASSIGNED:
            return g
        day = min(add_workdays(day, 2), today)
        g = services.grievance_investigate(actor=handler, grievance=g, note="已联系反映人了解情况。", on=day)
        if subject is not None:
            g = services.grievance_request_review(actor=handler, grievance=g, on=day)
        if state == State.INVESTIGATING:
            return g
        # Most answer in time; one in five late.
        limit = 5 if kind == Kind.INQUIRY else 15
        took = rng.randint(3, limit - 1) if rng.random() < 0.8 else rng.randint(limit + 1, limit + 6)
        day = min(add_workdays(received, took), today)
        g = services.grievance_answer(actor=handler, grievance=g, answer=answer, on=day)
    if state == State.CLOSED:
        day = min(add_workdays(day, rng.randint(1, 4)), today)
        satisfaction = rng.choice([Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASIC, ""])
        g = services.grievance_close(actor=desk, grievance=g, satisfaction=satisfaction, on=day)
    return g
