"""Writes of the demo county: regions, households (through the registry's bulk path), logins, standards."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Role, User
from jiuzhu.accounts.services import user_create
from jiuzhu.cases.demo import DemoStaff, amount_check_seed, cases_seed, intake_seed, review_proposals_seed
from jiuzhu.charity.demo import charity_seed
from jiuzhu.demo.generator import DemoData, generate
from jiuzhu.demo.layout import CITY, COUNTY, PROVINCE
from jiuzhu.grievances.demo import grievances_seed
from jiuzhu.matching.demo import matching_seed
from jiuzhu.monitoring.demo import MonitoringSeed, monitoring_seed
from jiuzhu.payments.demo import PayrollSeed, payroll_seed
from jiuzhu.policy.services import evaluations_refresh, parameters_load, parameters_load_defaults
from jiuzhu.portal.demo import portal_seed
from jiuzhu.regions.models import Level, Region
from jiuzhu.regions.services import region_ensure
from jiuzhu.registry.models import Household
from jiuzhu.registry.services import households_bulk_create
from jiuzhu.reports.demo import reports_seed

DEMO_PASSWORD = "jiuzhu-demo-2026"
DEMO_ACTOR = "demo"
COUNTY_PREFIX = COUNTY[0][:6]


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    role: Role
    where: str  # "village": first village of the first township; "township1", "township2", "county"
    full_name: str
    can_reveal_pii: bool = False


DEMO_USERS = (
    DemoUser("clerk", Role.VILLAGE_CLERK, "village", "陈晓燕"),
    DemoUser("caseworker", Role.TOWNSHIP_CASEWORKER, "township1", "张建华", can_reveal_pii=True),
    DemoUser("township_head", Role.TOWNSHIP_HEAD, "township1", "周国平"),
    DemoUser("caseworker2", Role.TOWNSHIP_CASEWORKER, "township2", "李志强", can_reveal_pii=True),
    DemoUser("approver", Role.COUNTY_APPROVER, "county", "孔德明", can_reveal_pii=True),
    # A second county approver: an amount above the computed one waits for someone other than who raised it.
    DemoUser("approver2", Role.COUNTY_APPROVER, "county", "韦立新", can_reveal_pii=True),
    DemoUser("admin", Role.COUNTY_ADMIN, "county", "厉文斌", can_reveal_pii=True),
    DemoUser("auditor", Role.AUDITOR, "county", "卢慧芳"),
    DemoUser("charity", Role.CHARITY_OFFICER, "county", "羊美玲"),
)


class DemoError(Exception):
    """The database is not in a state the demo may touch; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Login:
    role: str
    username: str
    password: str
    region: str


@dataclass
class BuildReport:
    households: int = 0
    persons: int = 0
    regions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    parameters: int = 0
    cases: dict[str, int] = field(default_factory=dict)  # cases seeded, by status
    payrolls: PayrollSeed = field(default_factory=PayrollSeed)  # what the payrolls seeded hold
    reports: dict[str, int] = field(default_factory=dict)  # snapshot months and rows, targets set
    monitoring: MonitoringSeed = field(default_factory=MonitoringSeed)  # monitored households by level, …


def demo_state() -> str:
    """The database as the demo sees it: "complete" when a demo county was fully built (its logins are written
    last), "empty" with no regions and no households, otherwise "occupied" (another county, or an interrupted
    build)."""
    if User.objects.filter(username="admin", role=Role.COUNTY_ADMIN, region__code=COUNTY[0]).exists():
        return "complete"
    if Region.objects.exists() or Household.objects.exists():
        return "occupied"
    return "empty"


def demo_reset() -> None:
    """Erase the whole database so that the demo can be built afresh.

    Refused when it holds data outside the demo county, so that a mistyped DATABASE_URL never wipes a real
    county. A SQLite file is deleted outright (fast at any size, and it also drops what other apps stored);
    any other database is emptied with Django's `flush`. Run `migrate` again afterwards."""
    outside = Household.objects.exclude(region_code__startswith=COUNTY_PREFIX).exists() or (
        Region.objects.exclude(code__startswith=COUNTY_PREFIX).exclude(code__in=[PROVINCE[0], CITY[0]]).exists()
    )
    if outside:
        raise DemoError(_("数据库中有演示县以外的数据，拒绝清空。请改用新的 JIUZHU_DATA_DIR 或 DATABASE_URL。"))
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and name != ":memory:" and "mode=memory" not in name:
        path = Path(name)
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    call_command("flush", interactive=False, verbosity=0)


def _regions_write(data: DemoData) -> dict[str, int]:
    """Every place through region_ensure (parents come first in the layout); returns code → id."""
    with transaction.atomic():
        for place in data.places:
            region_ensure(code=place.code, name=place.name, urban_rural=place.urban_rural)
    return dict(Region.objects.filter(code__startswith=COUNTY_PREFIX).values_list("code", "id"))


def _batch_size(households: int) -> int:
    # About twenty steps for the progress bar, each small enough to keep memory flat at a million.
    return min(50_000, max(2_000, households // 20))


def _households_write(
    data: DemoData, region_ids: dict[str, int], *, seed: int, progress: Callable[[int], object] | None
) -> None:
    ids = pl.DataFrame({"region_code": list(region_ids), "region_id": list(region_ids.values())})
    households = data.households.join(ids, on="region_code", how="left", maintain_order="left")
    starts = [0, *data.members.cumsum().tolist()]
    step = _batch_size(households.height)
    for lo in range(0, households.height, step):
        hi = min(lo + step, households.height)
        households_bulk_create(
            actor=DEMO_ACTOR,
            households=households.slice(lo, hi - lo),
            persons=data.persons.slice(starts[lo], starts[hi] - starts[lo]),
            source=_("演示县（种子 %(s)d，第 %(a)d-%(b)d 户）") % {"s": seed, "a": lo + 1, "b": hi},
        )
        if progress is not None:
            progress(hi - lo)


def _demo_region(where: str) -> Region:
    county = Region.objects.get(code=COUNTY[0])
    if where == "county":
        return county
    townships = list(Region.objects.filter(parent=county).order_by("code")[:2])
    if where == "township1":
        return townships[0]
    if where == "township2":
        return townships[1]
    return Region.objects.filter(parent=townships[0], level=Level.VILLAGE).order_by("code").first()  # type: ignore[return-value]


@transaction.atomic
def _users_write(usernames: set[str]) -> None:
    for spec in DEMO_USERS:
        if spec.username not in usernames:
            continue
        user_create(
            actor=None,
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            region=_demo_region(spec.where),
            full_name=spec.full_name,
            can_reveal_pii=spec.can_reveal_pii,
            check_password=False,
        )


_STAFF_NAMES = (
    "王丽华 赵卫东 孙海燕 钱志明 吴春梅 郑国强 冯晓红 褚建军 蒋玉兰 沈立新 韩秀英 杨文涛 朱红霞 秦永康 许美华 何建平"
)


def _staff() -> DemoStaff:
    """Who takes the cases' steps: the demo logins where they are, and in every other township a caseworker and
    a head of its own, written with no usable password (the county admin sets one to let them log in), so that
    the cases spread over the county as its households do."""
    county = Region.objects.get(code=COUNTY[0])
    users = {u.username: u for u in User.objects.select_related("region")}
    names = iter(_STAFF_NAMES.split() * 4)
    townships: dict[str, tuple[User, User | None]] = {}
    for township in Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"):
        here = [u for u in users.values() if u.region_id == township.pk]
        caseworker = next((u for u in here if u.role == Role.TOWNSHIP_CASEWORKER), None)
        head = next((u for u in here if u.role == Role.TOWNSHIP_HEAD), None)
        made = []
        for role, have, tag in ((Role.TOWNSHIP_CASEWORKER, caseworker, "jb"), (Role.TOWNSHIP_HEAD, head, "sh")):
            if have is None:
                user = User(username=f"{tag}{township.code[6:9]}", role=role, region=township, full_name=next(names))
                user.set_unusable_password()
                made.append(user)
        User.objects.bulk_create(made)
        caseworker = caseworker or next(u for u in made if u.role == Role.TOWNSHIP_CASEWORKER)
        head = head or next(u for u in made if u.role == Role.TOWNSHIP_HEAD)
        townships[township.code] = (caseworker, head)
    return DemoStaff(approver=users["approver"], townships=townships)


RAISE_KEYS = ("dibao.standard.urban", "dibao.standard.rural")


def _raised_on(today: dt.date) -> dt.date:
    """The demo's 提标: five months before `today`'s month (never before 2024)."""
    month = today.replace(day=1)
    return max(dt.date(month.year - (month.month <= 5), (month.month - 6) % 12 + 1, 1), dt.date(2024, 1, 1))


def _parameters_load() -> int:
    """The shipped standards, with their documents, on the county."""
    return parameters_load_defaults(region=Region.objects.get(code=COUNTY[0]), actor=DEMO_ACTOR)


def _raise_load(today: dt.date) -> int:
    """A 提标 from five months before `today`, saved late: after the cases were decided on the old standard,
    so the demo has a raise to look at on the 提标影响测算 page, both standards in its history, and back pay
    once it is applied (payroll_seed)."""
    county = Region.objects.get(code=COUNTY[0])
    raised = _raised_on(today)
    source = _("演示数据：县民政局、县财政局关于提高城乡最低生活保障标准的通知（演示用，非真实文件）")
    rows = [("dibao.standard.urban", "560", raised, source), ("dibao.standard.rural", "420", raised, source)]
    return parameters_load(region=county, rows=rows, actor=DEMO_ACTOR, summary=_("演示县提标：%(region)s %(n)d 项"))


def demo_build(
    *,
    households: int,
    seed: int,
    today: dt.date,
    progress: Callable[[int], object] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BuildReport:
    """Generate and write a demo county into an empty database. The logins come last, so that their presence
    marks a complete build (see demo_state)."""
    if demo_state() != "empty":
        raise DemoError(_("数据库不是空的，不能生成演示县"))
    report = BuildReport()

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        report.seconds[name] = now - since
        if on_step is not None:
            on_step(name)
        return now

    t = time.perf_counter()
    data = generate(households=households, seed=seed, today=today)
    report.households, report.persons, report.regions = data.households.height, data.persons.height, len(data.places)
    t = step("generate", t)
    region_ids = _regions_write(data)
    t = step("regions", t)
    _households_write(data, region_ids, seed=seed, progress=progress)
    del data
    t = step("households", t)
    report.parameters = _parameters_load()
    # The staff first, as they take the cases' steps; the county admin last (see demo_state).
    _users_write({s.username for s in DEMO_USERS} - {"admin"})
    report.cases = cases_seed(county=Region.objects.get(code=COUNTY[0]), today=today, rng_seed=seed, staff=_staff())
    report.parameters += _raise_load(today)
    t = step("cases", t)
    _users_write({"admin"})
    amount_check_seed(
        county=Region.objects.get(code=COUNTY[0]), today=today, approver=User.objects.get(username="approver")
    )
    t = step("users", t)
    # 补正 and 不予受理 at the township windows, taken through the services by the demo caseworkers.
    for status, n in intake_seed(
        caseworkers=list(User.objects.filter(username__in=["caseworker", "caseworker2"]).order_by("username")),
        clerk=User.objects.filter(username="clerk").first(),
        today=today,
        rng_seed=seed,
    ).items():
        report.cases[status] = report.cases.get(status, 0) + n
    t = step("intake", t)
    # The payrolls need the logins (maker and checker are different people), so they come last.
    report.payrolls = payroll_seed(
        county=Region.objects.get(code=COUNTY[0]),
        today=today,
        maker=User.objects.get(username="admin"),
        checker=User.objects.get(username="approver"),
        clerk=User.objects.get(username="clerk"),
        raise_keys=RAISE_KEYS,
        raised_on=_raised_on(today),
    )
    t = step("payroll", t)
    # Cross-checks: their lists are drawn from the registry and the entitlements the steps above wrote; the
    # deaths the townships record from them stop payments before the statistics count them.
    matching_seed(county=Region.objects.get(code=COUNTY[0]), today=today, seed=seed)
    t = step("matching", t)
    report.monitoring = monitoring_seed(
        county=Region.objects.get(code=COUNTY[0]), today=today, rng_seed=seed,
        caseworkers=list(User.objects.filter(username__in=["caseworker", "caseworker2"]).select_related("region")),
    )  # fmt: skip
    t = step("monitoring", t)
    grievances_seed(county=Region.objects.get(code=COUNTY[0]), today=today, rng_seed=seed)
    t = step("grievances", t)
    charity_seed(
        county=Region.objects.get(code=COUNTY[0]),
        today=today,
        officer=User.objects.get(username="charity"),
        approver=User.objects.get(username="approver"),
        rng_seed=seed,
    )
    t = step("charity", t)
    portal_seed(county=Region.objects.get(code=COUNTY[0]), today=today, rng_seed=seed)
    t = step("portal", t)
    # The townships' review proposals waiting for the county, and one the county returned: after the payroll
    # and the cross-checks, which stop or replace entitlements, so every proposal is on a running one.
    review_proposals_seed(
        proposers=list(User.objects.filter(username__in=["caseworker", "township_head", "caseworker2"]).order_by("id")),
        approver=User.objects.get(username="approver"),
        today=today,
    )
    t = step("review_proposals", t)
    # Last: the statistics count what every step above produced.
    report.reports = reports_seed(county=Region.objects.get(code=COUNTY[0]), admin=User.objects.get(username="admin"))
    t = step("reports", t)
    # Every household's eligibility as its page shows it, stored once in bulk rather than on each first visit.
    evaluations_refresh(region=Region.objects.get(code=COUNTY[0]), date=today)
    step("evaluations", t)
    return report


def demo_logins() -> list[Login]:
    """The demo's logins as they are in the database, in DEMO_USERS order."""
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}
    out = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None or user.region is None:
            continue
        region = user.region
        path = region.name
        if region.level == Level.VILLAGE and region.parent is not None:
            path = region.parent.name + region.name
        out.append(Login(str(spec.role.label), spec.username, DEMO_PASSWORD, path))
    return out
