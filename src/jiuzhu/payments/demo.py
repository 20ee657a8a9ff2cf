"""The demo county's money, in the order it happens in a real county: the entitlements exist (the cases
seed, and the roll from before jiuzhu, which began and stopped over two years), the payrolls of the 24 months
before were paid and reconciled; last month's payroll is generated, checked, approved, handed to the bank and
its return imported
(a few accounts fail and are flagged; the clerk corrects one of them), then the county applies a raise of
the standard it saved late (提标, back pay) and a death found after payment is recorded, and this month's
payroll is generated, waiting for its check. The price link (价格临时补贴) is triggered from last month, so
a household whose transfer failed and whose account the clerk corrected is paid last month's subsidy again.
Everything goes through the services a user's click would call, so the demo shows what the code does (called
by the demo app after the cases and the logins exist)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.accounts.models import User
from jiuzhu.core.scope import in_scope, prefix_q
from jiuzhu.payments.bankfiles.export import bank_file_export
from jiuzhu.payments.bankfiles.returns import bank_return_import
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import (
    AccountFlag,
    Cause,
    Collection,
    Entitlement,
    EntitlementEvent,
    EntitlementPerson,
    EntitlementStatus,
    EventKind,
    LineKind,
    Payroll,
    add_months,
    first_of_month,
    persons_count,
)
from jiuzhu.payments.services.oneoff import JIAGE, one_off_grant_record
from jiuzhu.payments.services.payroll import payroll_approve, payroll_check, payroll_generate
from jiuzhu.payments.services.recompute import entitlements_recompute
from jiuzhu.policy import inputs
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.policy.services import parameter_add
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.services import household_update, person_update

DEMO_LAYOUT = "yikatong"
# Lists of ids go into SQL IN clauses a chunk at a time (SQLite allows 32 766 variables per statement).
_CHUNK = 10_000
_CHOOSE_AMONG = 2_000
# What the bank answers for the failed lines (one reason each, in this order).
DEMO_FAILURES = ("账户已销户", "户名与账号不符", "账号不存在")
# Months of payroll history before this month: trends over 24 months and the same month a year ago are real.
HISTORY_MONTHS = 24


@dataclass
class PayrollSeed:
    """What the demo's payrolls hold, for the demo command to print."""

    lines: dict[str, int] = field(default_factory=dict)  # lines of each payroll, by month (YYYY-MM)
    kinds: dict[str, int] = field(default_factory=dict)  # this month's lines by kind (LineKind values)
    collections: int = 0  # put on the collection list (追缴清单) by this month's payroll
    failed: int = 0  # lines of last month's payroll the bank returned as failed
    corrected: int = 0  # of their households, those whose account the clerk corrected
    waiting: int = 0  # households still flagged: nothing is paid to them until the account is corrected
    roll: int = 0  # entitlements of the roll from before jiuzhu (roll_seed)
    raised: int = 0  # entitlements raised by the 提标 apply
    deaths: int = 0  # deaths recorded after payment
    jiage: int = 0  # 价格临时补贴 lines of last month's payroll (the price link triggered from last month)
    repaid_one_off: int = 0  # one-off lines the bank returned last month, paid again this month after the correction


def roll_seed(*, county: Region, today: dt.date, standards_on: dt.date) -> int:
    """The county's roll from before jiuzhu (在册对象): every household the engine finds eligible for 低保 in the
    month it began to be paid (_roll_start), with the standards in force that month (before `standards_on`, the
    提标 the demo saves late, or after it), unless it already has an entitlement (the cases seed's), with its
    特困 members and the allowances that follow 低保 (_person_roll). Written in bulk like the cases seed's
    entitlements. Returns the number of households on the 低保 roll."""
    this = first_of_month(today)
    taken = Entitlement.objects.values("household_id")
    # A member who died while the roll was paid would have stopped or changed its payments (the registry's
    # death hook, which bulk-written deaths do not pass through): such households are left off the roll.
    died = Person.objects.filter(date_of_death__gte=add_months(this, -HISTORY_MONTHS - 1)).values("household_id")
    # Paid through the 一卡通 account: a household on the roll has one on file.
    where = prefix_q(county.prefix) & ~Q(pk__in=taken) & ~Q(pk__in=died) & ~Q(bank_account_enc="")
    raw_households, raw_persons = inputs.registry_raw(
        where, person_where=Q(household__in=Household.objects.filter(where))
    )
    if raw_households.height == 0:
        return 0
    raised = first_of_month(standards_on)
    starts = raw_households.select(
        "id", start=pl.col("id").map_elements(lambda h: _roll_start(h, this, raised), return_dtype=pl.Date)
    )
    params = parameters_frame(regions=[county], below=True)
    programs = [p for p in MONTHLY_PROGRAMS if p.startswith("dibao")]
    found, tekun = [], []
    for (start,), ids_frame in starts.group_by("start", maintain_order=True):
        ids_of = ids_frame["id"].to_list()
        raw = (
            raw_households.filter(pl.col("id").is_in(ids_of)),
            raw_persons.filter(pl.col("household_id").is_in(ids_of)),
        )
        households, persons = inputs.registry_frames(raw, start)
        evaluation = evaluate(households, persons, params, date=start, explain=False)
        tekun.append(evaluation.persons.with_columns(start=pl.lit(start, dtype=pl.Date)))
        out = evaluation.households
        found.append(
            out.select("household_id", *(pl.col(f"{p}.monthly").fill_null(0).alias(p) for p in programs))
            .unpivot(index="household_id", variable_name="program", value_name="fen")
            .filter(pl.col("fen") > 0)
            .with_columns(start=pl.lit(start, dtype=pl.Date))
        )
    eligible = (
        pl.concat(found)
        .sort("household_id", "program")
        .unique("household_id", keep="first", maintain_order=True)
        .select("household_id", "program", "fen", "start")
    )
    ids = eligible["household_id"].to_list()
    codes: dict[int, str] = {}
    for lo in range(0, len(ids), _CHUNK):
        codes.update(Household.objects.filter(pk__in=ids[lo : lo + _CHUNK]).values_list("pk", "region_code"))
    made = Entitlement.objects.bulk_create(
        [
            Entitlement(
                household_id=h,
                region_code=codes[h],
                program=p,
                monthly_amount=Decimal(fen) / 100,
                start_month=start,
                reason=_("演示：接入本系统前已在册"),
            )
            for h, p, fen, start in eligible.iter_rows()
        ],
        batch_size=5_000,
    )
    _roll_history(made, this=this)
    by_household = {e.household_id: e.pk for e in made}
    for lo in range(0, len(ids), _CHUNK):
        members = Person.objects.filter(household_id__in=ids[lo : lo + _CHUNK], date_of_death__isnull=True)
        EntitlementPerson.objects.bulk_create(
            [
                EntitlementPerson(entitlement_id=by_household[h], person_id=p)
                for h, p in members.values_list("household_id", "pk")
            ],
            batch_size=5_000,
        )
    persons = pl.concat(tekun, how="diagonal_relaxed")
    ended = {e.household_id: e.end_month for e in made if e.end_month is not None}
    _person_roll(persons, this=this, codes=_TEKUN, reason=_("演示：接入本系统前已在册的特困人员"))
    _person_roll(persons, this=this, codes=_WITH_DIBAO, reason=_("演示：随低保、特困认定享受"), ended=ended)
    return len(made)


_TEKUN = tuple(p for p in MONTHLY_PROGRAMS if p.startswith("tekun"))
# Allowances a 低保 or 特困 member draws because of it (经济困难老年人补贴, 困难残疾人生活补贴): the county pays them
# with the roll (the cross-check 老年低保对象未享受老年人补贴 finds only the members approved since).
_WITH_DIBAO = ("laonian_kunnan", "canji_shenghuo")


def _person_roll(
    persons: pl.DataFrame,
    *,
    this: dt.date,
    codes: tuple[str, ...],
    reason: str,
    ended: dict[int, dt.date] | None = None,
) -> int:
    """The persons of the roll's households the engine pays under per-person `codes` in the month their household
    began to be paid (`start`): one entitlement per household and programme covering them from then, its amount
    the sum of theirs. 特困 persons leave the household's 低保 cover, as the engine left them out of its 低保
    unit; an allowance that follows 低保 stops with the household's roll entitlement (`ended`)."""
    paid = (
        persons.select("person_id", "household_id", "start", *(pl.col(f"a:{p}").fill_null(0).alias(p) for p in codes))
        .unpivot(index=["person_id", "household_id", "start"], variable_name="program", value_name="fen")
        .filter(pl.col("fen") > 0)
    )
    if paid.height == 0:
        return 0
    groups = paid.group_by("household_id", "program", maintain_order=True).agg(
        "person_id", pl.col("fen").sum(), pl.col("start").first()
    )
    codes_of = dict(Household.objects.filter(pk__in=groups["household_id"].to_list()).values_list("pk", "region_code"))
    ended = ended or {}
    made = Entitlement.objects.bulk_create(
        [
            Entitlement(
                household_id=h,
                region_code=codes_of[h],
                program=p,
                monthly_amount=Decimal(fen) / 100,
                start_month=start,
                reason=reason,
                end_month=ended.get(h),
                status=EntitlementStatus.STOPPED if h in ended else EntitlementStatus.ACTIVE,
            )
            for h, p, _ids, fen, start in groups.iter_rows()
        ]
    )
    if codes == _TEKUN:
        # Out of the 低保 cover of their households' roll entitlements (written just before).
        covered = [pid for ids in groups["person_id"].to_list() for pid in ids]
        for lo in range(0, len(covered), _CHUNK):
            chunk = covered[lo : lo + _CHUNK]
            EntitlementPerson.objects.filter(person_id__in=chunk, entitlement__program__startswith="dibao").delete()
    EntitlementPerson.objects.bulk_create(
        [
            EntitlementPerson(entitlement_id=e.pk, person_id=pid)
            for e, ids in zip(made, groups["person_id"], strict=True)
            for pid in ids
        ]
    )
    EntitlementEvent.objects.bulk_create(
        [
            EntitlementEvent(
                entitlement_id=e.pk,
                kind=EventKind.CREATED,
                cause=Cause.DECISION,
                effective_month=e.start_month,
                amount_after=e.monthly_amount,
                note=reason,
                recorded_on=this - dt.timedelta(days=1),
            )
            for e in made
        ]
        + [
            EntitlementEvent(
                entitlement_id=e.pk,
                kind=EventKind.STOPPED,
                cause=Cause.REVIEW,
                effective_month=add_months(end, 1),
                amount_before=e.monthly_amount,
                note=_("演示：家庭停止享受低保，随之停止"),
                recorded_on=this - dt.timedelta(days=1),
            )
            for e in made
            if (end := e.end_month) is not None
        ]
    )
    return len(made)


def _roll_start(household_id: int, this: dt.date, raised: dt.date) -> dt.date:
    """When a household of the roll began to be paid (a fixed function of its id, so a seed always gives the
    same demo): three in four were already paid two years ago, the others joined over the 24 months before last
    month, about as many as the roll's stops (_roll_history) let go, so the roll grows slowly, as a county's
    does; never in the month of the 提标 `raised` itself (a roll decided on the new standard begins the month
    after)."""
    back = 24 if household_id % 4 != 0 else 2 + (household_id * 7919) % 23
    start = add_months(this, -back)
    return add_months(start, 1) if start == raised else start


def _roll_history(made: list[Entitlement], *, this: dt.date) -> None:
    """The roll's 24 months as they happened: each entitlement began in its month (开始享受), and about one in
    twelve stopped some months later, before last month (停止发放: income rose, moved away), in bulk."""
    recorded = this - dt.timedelta(days=1)
    events = []
    stopped = []
    for ent in made:
        events.append(
            EntitlementEvent(
                entitlement_id=ent.pk, kind=EventKind.CREATED, cause=Cause.DECISION, effective_month=ent.start_month,
                amount_after=ent.monthly_amount, note=ent.reason, recorded_on=recorded,
            )
        )  # fmt: skip
        last = add_months(ent.start_month, 3 + ent.household_id % 9)
        if ent.household_id % 12 == 5 and last < add_months(this, -2):
            ent.end_month, ent.status = last, EntitlementStatus.STOPPED
            ent.reason = _("演示：家庭收入超过低保标准，停止发放")
            stopped.append(ent)
            events.append(
                EntitlementEvent(
                    entitlement_id=ent.pk, kind=EventKind.STOPPED, cause=Cause.REVIEW,
                    effective_month=add_months(last, 1), amount_before=ent.monthly_amount, note=ent.reason,
                    recorded_on=recorded,
                )
            )  # fmt: skip
    Entitlement.objects.bulk_update(stopped, ["end_month", "status", "reason"], batch_size=5_000)
    EntitlementEvent.objects.bulk_create(events, batch_size=5_000)


def _history_pay(*, county: Region, this: dt.date, maker: User, checker: User) -> dict[str, int]:
    """The months from two years back to the month before last, paid as they were: each month's payroll
    generated, checked, approved, handed to the bank and reconciled (every transfer succeeds), through the
    payroll services' bulk paths."""
    lines = {}
    pool = _linshi_pool(county)
    for back in range(HISTORY_MONTHS, 1, -1):
        _linshi_grants(month=add_months(this, -back), actor=checker, pool=pool)
        payroll = payroll_generate(actor=maker, month=add_months(this, -back), region=county)
        payroll_check(actor=checker, payroll=payroll)
        payroll_approve(actor=checker, payroll=payroll)
        if payroll.line_count:
            bank_file, _data = bank_file_export(actor=checker, payroll=payroll, layout=DEMO_LAYOUT)
            returned = bank_return_simulate(payroll=payroll, layout=DEMO_LAYOUT)
            bank_return_import(
                actor=checker, data=returned, filename=bank_file.filename.replace("代发", "回盘"), payroll=payroll
            )
        lines[f"{payroll.month:%Y-%m}"] = payroll.line_count
    return lines


def _linshi_pool(county: Region) -> list[Household]:
    """Households a 临时救助 is plausible for: a seriously ill or disabled member, or on the roll; with an account."""
    hardship = Person.objects.filter(Q(serious_illness=True) | ~Q(disability_grade=None), date_of_death=None)
    roll = Entitlement.objects.values("household_id")
    where = Q(pk__in=hardship.values("household_id")) | Q(pk__in=roll)
    households = Household.objects.filter(prefix_q(county.prefix), where).exclude(bank_account_enc="")
    living = Count("members", filter=Q(members__date_of_death=None))
    return list(households.annotate(living=living).order_by("pk"))


def _linshi_grants(*, month: dt.date, actor: User, pool: list[Household]) -> int:
    """The 临时救助 the county decided in the month before `month` (about one household of the `pool` in a
    hundred a month, each for one to three members' worth, under 3 months of the rural standard a person), for
    `month`'s payroll to pay, as a linshi case's confirmation records them."""
    if not pool:
        return 0
    rng = random.Random(month.toordinal())
    before = add_months(month, -1)
    chosen = rng.sample(pool, min(len(pool), max(2, len(pool) // 100)))
    for household in chosen:
        kind, note = rng.choice(_LINSHI_NOTES)
        members = min(3, household.living or 1)  # type: ignore[attr-defined]  # annotated by _linshi_pool
        one_off_grant_record(
            actor=actor,
            household=household,
            program="linshi",
            amount=Decimal(rng.choice((500, 600, 800, 1000, 1100)) * members),
            source_key=f"linshi-demo:{household.pk}:{before:%Y%m}",
            decided_on=before + dt.timedelta(days=rng.randint(3, 25)),
            note=_("演示：临时救助（%(kind)s，%(why)s），县级审批") % {"kind": _(kind), "why": _(note)},
        )
    return len(chosen)


_LINSHI_NOTES = (
    (gettext_noop("支出型"), gettext_noop("住院自付费用较高")),
    (gettext_noop("支出型"), gettext_noop("子女就学费用")),
    (gettext_noop("急难型"), gettext_noop("意外伤害")),
    (gettext_noop("急难型"), gettext_noop("房屋失火")),
    (gettext_noop("支出型"), gettext_noop("慢性病长期用药")),
)


def _accounts_complete(*, actor: User) -> int:
    """A household paid through the bank has its 一卡通 account on file: the few the cases seed approved
    without one get it (entered by the county admin, as the registry page would)."""
    missing = Household.objects.filter(pk__in=Entitlement.objects.values("household_id"), bank_account_enc="")
    n = 0
    for household in missing.order_by("pk"):
        household_update(actor=actor, household=household, bank_account=f"6228{household.pk:015d}")
        n += 1
    return n


def _running_households(payroll: Payroll) -> list[int]:
    """Households paid by `payroll`, in a fixed order (so a seed always gives the same demo)."""
    return list(payroll.lines.filter(amount_fen__gt=0).order_by("household_id").values_list("household_id", flat=True))


def _death_target(payroll: Payroll) -> Person | None:
    """The only member of a one-person household that `payroll` paid 低保, the one paid most (ties: the first
    household): after the death nothing is left to pay the household, and the back pay of a 提标 (a few months
    of the raise) is far less than a month of a large 低保, so the overpayment is put on the collection list
    whatever the day the demo is built."""
    paid = payroll.lines.filter(amount_fen__gt=0).values("household_id")
    alone = (
        Household.objects.filter(pk__in=paid)
        .annotate(living=Count("members", filter=Q(members__date_of_death=None)))
        .filter(living=1)
        .values("pk")
    )
    one_person = (
        Entitlement.objects.filter(household_id__in=alone, program__startswith="dibao", end_month__isnull=True)
        .annotate(n=persons_count())
        .filter(n=1)
        .order_by("-monthly_amount", "household_id")
        .values_list("pk", flat=True)
        .first()
    )
    if one_person is None:
        return None
    person = Entitlement.objects.get(pk=one_person).persons.first()
    return None if person is None or person.date_of_death is not None else person


def _failed_households(paid: list[int], *, spare: set[int], clerk: User, prefer: set[int]) -> list[int]:
    """Two or three households whose transfer fails: the first in the clerk's village when one was paid
    there (the clerk corrects it; one paid a `prefer` line, the price subsidy, if any is), the rest spread
    over the county."""
    candidates = [h for h in paid if h not in spare]
    if not candidates:
        return []
    # Households are numbered village by village: the clerk's village, if paid, is among the first.
    candidates = candidates[:_CHOOSE_AMONG]
    codes = dict(Household.objects.filter(pk__in=candidates).values_list("pk", "region_code"))
    own = [h for h in candidates if in_scope(clerk, codes.get(h, ""))]
    own = [h for h in own if h in prefer] + [h for h in own if h not in prefer]
    first = own[0] if own else candidates[0]
    rest = [h for h in candidates if h != first]
    step = max(1, len(rest) // 2)
    return [first, *rest[::step][: len(DEMO_FAILURES) - 1]]


def _account_correct(*, household_id: int, clerk: User, admin: User) -> None:
    """The clerk types the household's new account (the county admin when it lies outside the clerk's
    village): the registry's hook closes the flag, so this month's payroll pays the failed month as back pay."""
    household = Household.objects.get(pk=household_id)
    actor = clerk if in_scope(clerk, household.region_code) else admin
    household_update(actor=actor, household=household, bank_account=f"6217{household.pk:015d}")


def _price_link(*, county: Region, month: dt.date, actor: User) -> None:
    """The price link (价格临时补贴联动) triggered from last month: the county enters the CPI rise the price
    bureau published, above the 3.5 % trigger, so last month's payroll and this month's pay the subsidy."""
    parameter_add(
        actor=actor,
        region=county,
        key="jiage.cpi_yoy",
        value="3.8",
        effective_from=month,
        source=_("演示：县发展改革局价格监测月报"),
    )


def _death_record(person: Person, *, this: dt.date, actor: User) -> None:
    """A death two months back, found after last month's payment: the payments hook stops the entitlement
    from the month after the death, so last month was paid too much and is recovered (or collected)."""
    died = add_months(this, -2) + dt.timedelta(days=9)
    person_update(actor=actor, person=person, date_of_death=died)


@transaction.atomic
def payroll_seed(
    *,
    county: Region,
    today: dt.date,
    maker: User,
    checker: User,
    clerk: User,
    raise_keys: tuple[str, ...] = (),
    raised_on: dt.date | None = None,
) -> PayrollSeed:
    """Last month's payroll paid through the bank and reconciled, then this month's generated. `maker` (the
    county admin) generates, applies the raise and records the death; `checker` (the approver) checks,
    approves, exports and imports the return; `clerk` corrects an account. `raise_keys` saved on `raised_on`
    (already in the database) are applied with back pay."""
    seed = PayrollSeed()
    this = first_of_month(today)
    if raised_on is not None:
        seed.roll = roll_seed(county=county, today=today, standards_on=raised_on)
    _accounts_complete(actor=maker)
    history = _history_pay(county=county, this=this, maker=maker, checker=checker)
    _price_link(county=county, month=add_months(this, -1), actor=maker)
    _linshi_grants(month=add_months(this, -1), actor=checker, pool=_linshi_pool(county))
    last = payroll_generate(actor=maker, month=add_months(this, -1), region=county)
    jiage = set(last.lines.filter(program=JIAGE).values_list("household_id", flat=True))
    seed.jiage = last.lines.filter(program=JIAGE).count()
    payroll_check(actor=checker, payroll=last)
    payroll_approve(actor=checker, payroll=last)
    bank_file, _data = bank_file_export(actor=checker, payroll=last, layout=DEMO_LAYOUT)
    paid = _running_households(last)
    dying = _death_target(last)
    failing = _failed_households(paid, spare={dying.household_id} if dying else set(), clerk=clerk, prefer=jiage)
    failures = dict(zip(failing, DEMO_FAILURES, strict=False))
    returned = bank_return_simulate(payroll=last, layout=DEMO_LAYOUT, failures=failures)
    result = bank_return_import(
        actor=checker, data=returned, filename=bank_file.filename.replace("代发", "回盘"), payroll=last
    )
    seed.failed = result.failed
    if failing:
        _account_correct(household_id=failing[0], clerk=clerk, admin=maker)
        seed.corrected = 1
    if raised_on is not None:
        for key in raise_keys:
            seed.raised += entitlements_recompute(actor=maker, key=key, region=county, effective_from=raised_on).raised
    if dying is not None:
        _death_record(dying, this=this, actor=maker)
        seed.deaths = 1
    current = payroll_generate(actor=maker, month=this, region=county)
    last.refresh_from_db()
    seed.lines = history | {f"{last.month:%Y-%m}": last.line_count, f"{current.month:%Y-%m}": current.line_count}
    seed.kinds = dict.fromkeys(LineKind.values, 0) | dict(
        current.lines.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    seed.collections = Collection.objects.filter(payroll=current).count()
    repaid = current.lines.filter(kind__in=[LineKind.ONE_OFF, LineKind.INSURANCE], service_month__lt=this)
    seed.repaid_one_off = repaid.count()
    seed.waiting = AccountFlag.objects.filter(resolved_at__isnull=True).values("household_id").distinct().count()
    return seed
