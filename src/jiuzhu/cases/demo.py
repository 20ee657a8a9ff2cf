"""Demo cases for a generated county: every state, some overdue, reviews due this month.

Written straight to the tables (as the demo generator does) rather than through the services, which would
refuse to back-date a step; the rows are the ones the services would have produced. What the cases propose
and decide is the engine's: a case the township recommends is a household the engine finds eligible on the
day, at the engine's amount; a refused case is one it finds not eligible, recommended by nobody and posted on
no notice. With the demo's staff, the cases lie in their townships and every step names who took it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q

from jiuzhu.accounts.models import User
from jiuzhu.cases import deadlines, engine, services
from jiuzhu.cases.models import (
    AmountCheck,
    Case,
    CaseEvent,
    Channel,
    EconomicCheck,
    Investigation,
    Notice,
    NoticeEntry,
    Objection,
    Review,
    ReviewKind,
    ReviewOutcome,
    Status,
)
from jiuzhu.cases.selectors import snapshot_covered_size
from jiuzhu.cases.services import household_snapshot
from jiuzhu.core.pii import mask_name
from jiuzhu.core.scope import prefix_q
from jiuzhu.core.workdays import add_workdays
from jiuzhu.payments.models import (
    Cause,
    Entitlement,
    EntitlementEvent,
    EntitlementPerson,
    EventKind,
    add_months,
    next_month,
)
from jiuzhu.policy import inputs
from jiuzhu.policy.rules import evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person

# How many cases of each state per county; the order is the order of the procedure.
PLAN: tuple[tuple[Status, int], ...] = (
    (Status.SUBMITTED, 6),
    (Status.ACCEPTED, 6),
    (Status.INVESTIGATED, 4),
    (Status.CHECKING, 4),
    (Status.CHECKED, 4),
    (Status.TOWNSHIP_DONE, 4),
    (Status.NOTICE, 6),
    (Status.OBJECTED, 2),
    (Status.APPROVED, 12),
    (Status.REFUSED, 3),
    (Status.WITHDRAWN, 2),
)
PROGRAMS = ("dibao_urban", "dibao_rural", "tekun_dispersed", "linshi")


# The states whose cases carry a record: a later state keeps the records of the steps before it.
HAS_INVESTIGATION = (
    Status.INVESTIGATED,
    Status.CHECKING,
    Status.CHECKED,
    Status.TOWNSHIP_DONE,
    Status.NOTICE,
    Status.OBJECTED,
    Status.APPROVED,
    Status.REFUSED,
)
HAS_ECONOMIC_CHECK = HAS_INVESTIGATION[1:]
HAS_OPINION = (Status.TOWNSHIP_DONE, Status.NOTICE, Status.OBJECTED, Status.APPROVED, Status.REFUSED)
# A refused case was not recommended by the township, so it was never posted ([57]: only 拟确认 cases are).
HAS_NOTICE = (Status.NOTICE, Status.OBJECTED, Status.APPROVED)
RECOMMENDED = frozenset(HAS_NOTICE) | {Status.TOWNSHIP_DONE}


@dataclass(frozen=True)
class DemoStaff:
    """Who takes the steps: each township's caseworker and head (None: the township has no head among the demo
    logins, so its cases stop before the township opinion), and the county approver."""

    approver: User
    townships: dict[str, tuple[User, User | None]] = field(default_factory=dict)  # township code → (…)


@transaction.atomic
def cases_seed(*, county: Region, today: dt.date, rng_seed: int, staff: DemoStaff | None = None) -> dict[str, int]:
    """Cases in every state in `county` (which already has households), about a third of the open ones
    overdue, and approved 低保 households whose yearly review falls due this month; with `staff`, the townships
    of its logins first. Returns counts."""
    rng = random.Random(rng_seed)
    households = list(
        Household.objects.filter(prefix_q(county.prefix)).exclude(cases__isnull=False).order_by("id")[:2000]
    )
    rng.shuffle(households)
    if staff is not None:  # the demo logins' townships first, so that each login has cases to work
        logins = {code for code, (caseworker, _head) in staff.townships.items() if caseworker.has_usable_password()}
        households.sort(key=lambda h: h.region_code[:9] + "000" not in logins)
    eligible = _eligible(households, today)
    counts: dict[str, int] = {}
    serial = Case.objects.filter(number__startswith=county.code[:6]).count()
    for status, n in PLAN:
        made = 0
        for hh in _candidates(households, status, eligible, staff):
            if made == n:
                break
            applicant = hh.members.filter(date_of_death__isnull=True).order_by("id").first()
            if applicant is None:
                households.remove(hh)
                continue
            if _seed_case(
                hh=hh, applicant=applicant, status=status, serial=serial + 1, today=today, rng=rng, staff=staff
            ):
                households.remove(hh)
                serial += 1
                made += 1
                counts[status] = counts.get(status, 0) + 1
    return counts


def _eligible(households: list[Household], on: dt.date) -> set[int]:
    """The households the engine finds eligible for the 低保 of their area on `on` (read in bulk, to choose
    from; each case's own evaluation on its own dates decides)."""
    if not households:
        return set()
    ids = [h.pk for h in households]
    frames = inputs.registry_frames(inputs.registry_raw(Q(pk__in=ids), person_where=Q(household_id__in=ids)), on)
    regions = list(Region.objects.filter(code__in={h.region_code for h in households}))
    params = parameters_frame(regions=regions)
    out = evaluate(*frames, params, explain=False).households
    paid = (pl.col("dibao_urban.monthly").fill_null(0) > 0) | (pl.col("dibao_rural.monthly").fill_null(0) > 0)
    return set(out.filter(paid)["household_id"].to_list())


def _candidates(
    households: list[Household], status: Status, eligible: set[int], staff: DemoStaff | None
) -> list[Household]:
    """The households a case of `status` may be about: recommended cases are households the engine finds
    eligible, refused ones households it does not; a township opinion needs a township head."""
    out = list(households)
    if status in RECOMMENDED:
        out = [h for h in out if h.pk in eligible]
    elif status == Status.REFUSED:
        out = [h for h in out if h.pk not in eligible]
    if staff is not None and status in HAS_OPINION:
        out = [h for h in out if _staff_of(staff, h.region_code)[1] is not None]
    return out


def _staff_of(staff: DemoStaff | None, region_code: str) -> tuple[User | None, User | None]:
    if staff is None:
        return None, None
    return staff.townships.get(region_code[:9] + "000", (None, None))


def _seed_case(
    *,
    hh: Household,
    applicant: Person,
    status: Status,
    serial: int,
    today: dt.date,
    rng: random.Random,
    staff: DemoStaff | None,
) -> bool:
    """One case brought to `status` with the records the procedure leaves on the way there and the history
    of its steps; False (nothing written) when the engine, on the case's own dates, does not bear out what the
    case would propose or decide. The random draws come in a fixed order, so a seed always gives the same
    county."""
    program = _demo_program(hh, status, rng)
    overdue = rng.random() < 0.35
    submitted = today - dt.timedelta(days=_demo_age_days(status, overdue, rng))
    accepted = add_workdays(submitted, 1)
    opinion_on = add_workdays(accepted, 8)
    decided = max(_demo_decided(status, accepted, today, rng), add_workdays(opinion_on, 9))
    snapshot = household_snapshot(household=hh)
    on = decided if status in (Status.APPROVED, Status.REFUSED) else min(opinion_on, today)
    result = engine.evaluate_snapshot(snapshot=snapshot, program=program, on=on, applicant_id=applicant.pk)
    if status in RECOMMENDED and not (result.eligible and result.amount):
        return False
    if status == Status.REFUSED and result.eligible:
        return False
    case = _create_case(
        hh=hh, applicant=applicant, status=status, program=program, submitted=submitted, serial=serial, rng=rng,
        snapshot=snapshot,
    )  # fmt: skip
    caseworker, head = _staff_of(staff, hh.region_code)
    history = History(case, caseworker)
    history.add("submit", Status.SUBMITTED, submitted, actor=None)
    _investigation_steps(case, status, accepted, history)
    amount = result.amount if status in RECOMMENDED else None
    if status in HAS_OPINION:
        case.opinion_recommend = status in RECOMMENDED
        case.opinion_text = (
            "演示：建议纳入" if case.opinion_recommend else "演示：家庭人均收入高于当地低保标准，建议不予纳入"
        )
        case.opinion_amount, case.opinion_at, case.opinion_by = amount, opinion_on, head
        history.add("township_opinion", Status.TOWNSHIP_DONE, opinion_on, actor=head)
    if status in HAS_NOTICE:
        assert amount is not None
        if status == Status.APPROVED:
            start = add_workdays(opinion_on, 1)
        else:  # still running, or just ended: the county can confirm it
            start = max(today - dt.timedelta(days=rng.randint(1, 5 if status == Status.OBJECTED else 12)),
                        opinion_on + dt.timedelta(days=1))  # fmt: skip
        posted = _post_notice(case, applicant, amount, start)
        history.add("publish_notice", Status.NOTICE, posted)
    if status == Status.OBJECTED:
        Objection.objects.create(
            case=case, received_on=today - dt.timedelta(days=1), content="演示：群众反映该户有经营性收入"
        )
        history.add("record_objection", Status.OBJECTED, today - dt.timedelta(days=1))
    if status == Status.WITHDRAWN:
        history.add("withdraw", Status.WITHDRAWN, add_workdays(submitted, 2), actor=None)
    approver = staff.approver if staff else None
    _close(case, status, decided=decided, computed=result.amount, amount=amount, persons=result.persons,
           approver=approver)  # fmt: skip
    if status in (Status.APPROVED, Status.REFUSED):
        action = "confirm" if status == Status.APPROVED else "refuse"
        history.add(action, status, decided, actor=approver)
    case.due_date = _demo_due(case, today, overdue)
    case.save()
    history.write()
    return True


def _investigation_steps(case: Case, status: Status, accepted: dt.date, history: History) -> None:
    """受理, 入户调查 and 经济状况核对, as far as `status` has come."""
    if status != Status.SUBMITTED:
        _accept(case, accepted)
        history.add("accept", Status.ACCEPTED, accepted)
    if status in HAS_INVESTIGATION:
        _investigate(case, accepted)
        history.add("investigate", Status.INVESTIGATED, add_workdays(accepted, 2))
    if status in HAS_ECONOMIC_CHECK:
        _check_economy(case, accepted, done=status != Status.CHECKING)
        history.add("request_check", Status.CHECKING, add_workdays(accepted, 3))
        if status != Status.CHECKING:
            history.add("record_check", Status.CHECKED, add_workdays(accepted, 6))


class History:
    """The case's 办理记录 as the services would have written it, step by step."""

    def __init__(self, case: Case, caseworker: User | None) -> None:
        self.case, self.caseworker = case, caseworker
        self.events: list[CaseEvent] = []
        self.status: str = ""

    def add(self, action: str, to: Status, on: dt.date, *, actor: User | bool | None = True) -> None:
        """A step taken by `actor` (default: the township's caseworker; None: the applicant, online)."""
        who = actor if isinstance(actor, User) else self.caseworker if actor is True else None
        self.events.append(
            CaseEvent(case=self.case, action=action, from_status=self.status, to_status=to, actor=who, on=on)
        )
        self.status = to

    def write(self) -> None:
        CaseEvent.objects.bulk_create(self.events)


def _demo_program(hh: Household, status: Status, rng: random.Random) -> str:
    """低保 of the household's area; some fresh applications ask for 特困 or 临时救助 instead."""
    program = "dibao_urban" if hh.area == "urban" else "dibao_rural"
    if status in (Status.SUBMITTED, Status.ACCEPTED) and rng.random() < 0.3:
        program = rng.choice(PROGRAMS[2:])
    return program


def _demo_age_days(status: Status, overdue: bool, rng: random.Random) -> int:
    """How long ago the case was submitted."""
    # Open cases start far enough back that their step is (or is not) overdue today.
    age_days = rng.randint(25, 45) if overdue else rng.randint(0, 2)
    if status in HAS_NOTICE:
        age_days = max(age_days, rng.randint(20, 40))
    if status == Status.REFUSED:
        age_days = rng.randint(60, 120)  # decided some weeks ago
    if status == Status.APPROVED:
        age_days = rng.randint(330, 380)  # approved about a year ago: review due about now
    return age_days


def _create_case(
    *,
    hh: Household,
    applicant: Person,
    status: Status,
    program: str,
    submitted: dt.date,
    serial: int,
    rng: random.Random,
    snapshot: dict[str, Any],
) -> Case:
    channel = rng.choice(Channel.values)
    staff_relative = rng.random() < 0.05
    return Case.objects.create(
        number=f"{hh.region_code[:9]}{submitted.year}{90000 + serial:05d}",
        household=hh,
        region_code=hh.region_code,
        program=program,
        channel=channel,
        applicant=applicant,
        linshi_kind="expense" if program == "linshi" else "",
        reason="演示数据",
        status=status,
        snapshot=snapshot,
        staff_relative=staff_relative,
        staff_relative_note="演示：村干部近亲属" if staff_relative else "",
        submitted_at=submitted,
    )


def _accept(case: Case, accepted: dt.date) -> None:
    case.accepted_at = accepted
    key = deadlines.overall_key(
        region_code=case.region_code, accepted=accepted, extended=case.status == Status.OBJECTED
    )
    case.overall_due = deadlines.due_after(accepted, key, region_code=case.region_code)


def _investigate(case: Case, accepted: dt.date) -> None:
    Investigation.objects.create(
        case=case,
        visit_date=add_workdays(accepted, 2),
        investigators=["演示甲", "演示乙"],
        findings="演示：入户调查属实",
        family_confirmed=True,
    )


def _check_economy(case: Case, accepted: dt.date, *, done: bool) -> None:
    EconomicCheck.objects.create(
        case=case,
        requested_at=add_workdays(accepted, 3),
        result="演示：未发现异常" if done else "",
        passed=True if done else None,
        recorded_at=add_workdays(accepted, 6) if done else None,
    )


def _post_notice(case: Case, applicant: Person, amount: Decimal, start: dt.date) -> dt.date:
    hh = case.household
    notice = Notice.objects.create(
        number=f"GS{hh.region_code}{case.pk:06d}",
        village=hh.region,
        region_code=hh.region_code,
        start_date=start,
        end_date=start + dt.timedelta(days=6),
    )
    NoticeEntry.objects.create(
        notice=notice,
        case=case,
        masked_name=mask_name(applicant.name),
        household_size=snapshot_covered_size(case),
        program_name=engine.program_name(case.program),
        amount=amount,
    )
    return start


def _demo_decided(status: Status, accepted: dt.date, today: dt.date, rng: random.Random) -> dt.date:
    decided = add_workdays(accepted, rng.randint(15, 40))
    if status == Status.APPROVED:
        # Approved in this month a year ago, so the yearly review falls due this month.
        decided = min(add_months(today.replace(day=1), -12) + dt.timedelta(days=rng.randint(0, 27)), decided)
    return decided


def _close(
    case: Case,
    status: Status,
    *,
    decided: dt.date,
    computed: Decimal | None,
    amount: Decimal | None,
    persons: list[int],
    approver: User | None,
) -> None:
    """The decision of a closed case; an approval starts the payments (for the persons the engine covers) and
    the yearly review."""
    if status in (Status.APPROVED, Status.REFUSED):
        case.decided_at, case.decided_by = decided, approver
        case.computed_amount = computed
    if status == Status.REFUSED:
        case.decision_reasons = "演示：家庭人均收入高于当地低保标准"
    if status == Status.WITHDRAWN:
        case.withdrawn_reason = "演示：申请人主动撤回"
    if status == Status.APPROVED:
        assert amount is not None
        case.approved_amount = amount
        _start_payments(case, decided=decided, amount=amount, persons=persons, approver=approver)


def _start_payments(
    case: Case, *, decided: dt.date, amount: Decimal, persons: list[int], approver: User | None
) -> None:
    hh = case.household
    ent = Entitlement.objects.create(
        household=hh,
        region_code=hh.region_code,
        program=case.program,
        monthly_amount=amount,
        start_month=next_month(decided),
        source_case=case,
        created_by=approver,
    )
    EntitlementEvent.objects.create(
        entitlement=ent, kind=EventKind.CREATED, cause=Cause.DECISION, effective_month=ent.start_month,
        amount_after=amount, note=case.number, recorded_on=decided, created_by=approver,
    )  # fmt: skip
    EntitlementPerson.objects.bulk_create([EntitlementPerson(entitlement=ent, person_id=p) for p in persons])
    Review.objects.create(
        entitlement=ent,
        region_code=hh.region_code,
        kind=ReviewKind.SCHEDULED,
        due_date=add_months(decided, 12),
    )


def _demo_due(case: Case, today: dt.date, overdue: bool) -> dt.date | None:
    if case.is_closed:
        return None
    if overdue:
        return today - dt.timedelta(days=random.Random(case.pk).randint(1, 10))
    return add_workdays(today, 3)


# The findings a demo township writes when it proposes, by what the engine finds for the household now.
DEMO_FINDINGS: dict[str, str] = {
    ReviewOutcome.STOP: "演示：复核发现家庭成员已稳定就业，家庭人均收入超过当地低保标准，建议停止保障。",
    ReviewOutcome.GRADUAL_EXIT: "演示：复核发现家庭成员新近务工，人均收入超过低保标准，建议给予渐退期。",
    ReviewOutcome.CHANGE: "演示：复核发现家庭收入有变化，按复核时家庭经济状况重新测算保障金额。",
}


def review_proposals_seed(*, proposers: list[User], approver: User, today: dt.date, per_proposer: int = 2) -> int:
    """The townships' proposals waiting for the county: each township user proposes on open reviews of running
    entitlements in their township what the engine finds for the household today (a new amount, a gradual exit
    or a stop); the first proposal is returned by the county with reasons. Through the services, so the
    history and the audit log read as if staff had done it. Returns the number of proposals made."""
    made = 0
    for proposer in proposers:
        open_reviews = (
            Review.objects.filter(prefix_q(proposer.region.prefix if proposer.region else "-"), outcome="")
            .filter(proposed_outcome="", returned_at__isnull=True, entitlement__program__startswith="dibao")
            .exclude(entitlement__status="stopped")
            .select_related("entitlement")
            .order_by("due_date", "id")[:20]
        )
        done = 0
        for review in open_reviews:
            if done == per_proposer:
                break
            proposal = _demo_proposal(review, today, gradual=done % 2 == 1)
            if proposal is None:
                continue
            outcome, amount, months = proposal
            services.review_propose(actor=proposer, review=review, outcome=outcome, reasons=DEMO_FINDINGS[outcome],
                                    new_amount=amount, exit_months=months, on=today)  # fmt: skip
            done += 1
            made += 1
            if made == 1:
                services.review_return(actor=approver, review=review, on=today,
                                       reasons="演示：请补充家庭成员劳动合同和近三个月工资流水后再提请。")  # fmt: skip
        made += _demo_on_demand(proposer, today, wanted=per_proposer - done)
    return made


def _demo_on_demand(proposer: User, today: dt.date, *, wanted: int) -> int:
    """Where the township has too few reviews open: a re-check on demand of running 低保 whose household the
    engine now reads otherwise, proposed as 申请停保 (not eligible) or a new amount."""
    if wanted <= 0 or proposer.region is None:
        return 0
    running = (
        Entitlement.objects.filter(prefix_q(proposer.region.prefix), program__startswith="dibao")
        .exclude(status="stopped")
        .exclude(reviews__outcome="")  # a review already open is the place for a proposal
        .order_by("id")[:20]
    )
    made = 0
    for ent in running:
        if made == wanted:
            break
        probe = Review(entitlement=ent, region_code=ent.region_code, due_date=today)
        proposal = _demo_proposal(probe, today, gradual=False)
        if proposal is None:
            continue
        outcome, amount, _months = proposal
        if outcome == ReviewOutcome.STOP:
            services.entitlement_stop_propose(actor=proposer, entitlement=ent, reasons=DEMO_FINDINGS[outcome],
                                              on=today)  # fmt: skip
        else:
            review = services.review_open(actor=proposer, entitlement=ent, due_date=today,
                                          note="演示：村委会反映家庭收入有变化")  # fmt: skip
            services.review_propose(actor=proposer, review=review, outcome=outcome, reasons=DEMO_FINDINGS[outcome],
                                    new_amount=amount, on=today)  # fmt: skip
        made += 1
    return made


def _demo_proposal(review: Review, today: dt.date, *, gradual: bool) -> tuple[str, Decimal | None, int | None] | None:
    """What the engine says of the household today, as a proposal; None where paying on is right."""
    result = services.engine_for_review(review=review, on=today)
    if result.eligible is None:
        return None
    if not result.eligible:
        return (ReviewOutcome.GRADUAL_EXIT, None, 3) if gradual else (ReviewOutcome.STOP, None, None)
    if result.amount and result.amount != review.entitlement.monthly_amount:
        return ReviewOutcome.CHANGE, result.amount, None
    return None


@transaction.atomic
def amount_check_seed(*, county: Region, today: dt.date, approver: User) -> int:
    """One case on notice, its notice over, whose approver confirmed more than the computed amount: it waits on
    the other approver's to-do list for the second check (no entitlement yet). Returns 1, or 0 without one."""
    case = (
        Case.objects.filter(prefix_q(county.prefix), status=Status.NOTICE, amount_check_by__isnull=True)
        .exclude(opinion_amount__isnull=True)
        .order_by("id")
        .first()
    )
    if case is None:
        return 0
    for entry in case.notice_entries.select_related("notice"):
        notice = entry.notice
        if notice.end_date >= today:
            notice.start_date, notice.end_date = today - dt.timedelta(days=9), today - dt.timedelta(days=3)
            notice.save(update_fields=["start_date", "end_date"])
    reference = case.opinion_amount or Decimal(0)
    amount = reference + Decimal(150)
    reason = "演示：家中有重病患者长期住院，另加护理费"
    AmountCheck.objects.create(
        case=case,
        region_code=case.region_code,
        amount=amount,
        reference=reference,
        reason=reason,
        requested_by=approver,
        requested_on=today,
    )
    case.amount_check_by = approver
    case.save(update_fields=["amount_check_by"])
    CaseEvent.objects.create(
        case=case,
        action="request_amount_check",
        from_status=case.status,
        to_status=case.status,
        actor=approver,
        on=today,
        note=f"确认金额 {amount} 元高于测算金额 {reference} 元，待复核：{reason}",
    )
    return 1


# 受理 or not, per township caseworker: (what happened, calendar days since the township asked or decided).
# Through the services with the township's own login, so histories, deadlines and audit entries are those
# of real work.
INTAKE_PLAN: tuple[tuple[str, int], ...] = (
    ("supplement", 4),  # told a few days ago what to bring: waiting for the family
    ("supplement", 25),  # the day to bring it has passed: on the caseworker's list for a decision
    ("supplied", 10),  # brought yesterday: back on the caseworker's list to accept, the limit from yesterday
    ("not_accepted", 8),
    ("not_accepted_overdue", 40),
)
INTAKE_ASKED: dict[str, tuple[list[str], str]] = {
    "dibao_urban": (["income", "assets"], "近六个月银行流水"),
    "dibao_rural": (["id_cards", "authorization"], ""),
}


@transaction.atomic
def intake_seed(*, caseworkers: list[User], today: dt.date, rng_seed: int, clerk: User | None = None) -> dict[str, int]:
    """In each caseworker's township: applications waiting for a supplement (one overdue), one supplied and
    waiting to be accepted, and two not accepted (one for a supplement never brought). The first one waiting
    for a supplement lies in the clerk's village when the clerk works in that township. Returns counts."""
    rng = random.Random(rng_seed)
    counts: dict[str, int] = {}
    for worker in caseworkers:
        township = worker.scope_prefix or ""
        households = _intake_households(township, rng)
        village = (clerk.scope_prefix or "") if clerk is not None else ""
        if village.startswith(township) and township:
            households += _intake_households(village, rng)[:1]  # popped first
        for kind, ago in INTAKE_PLAN:
            if not households:
                break
            case = _intake_case(worker, households.pop(), kind, today - dt.timedelta(days=ago))
            counts[case.status] = counts.get(case.status, 0) + 1
    return counts


def _intake_households(prefix: str, rng: random.Random) -> list[Household]:
    households = list(
        Household.objects.filter(prefix_q(prefix))
        .exclude(cases__isnull=False)
        .filter(members__relation="self", members__date_of_death__isnull=True)
        .order_by("id")[:200]
    )
    rng.shuffle(households)
    return households


def _intake_case(worker: User, hh: Household, kind: str, asked_on: dt.date) -> Case:
    program = "dibao_urban" if hh.area == "urban" else "dibao_rural"
    applicant = hh.members.filter(relation="self", date_of_death__isnull=True).first()
    assert applicant is not None
    case = services.case_submit(
        actor=worker,
        household=hh,
        program=program,
        applicant=applicant,
        channel=Channel.WINDOW,
        reason="演示：家庭收入低，申请最低生活保障",
        on=asked_on - dt.timedelta(days=2),
    )
    if kind == "not_accepted":
        return services.case_not_accept(
            actor=worker,
            case=case,
            reason="registration",
            text="演示：申请人户籍在邻县，未在本镇办理居住证，不符合本镇受理条件",
            on=asked_on,
        )
    items, other = INTAKE_ASKED[program]
    case = services.case_request_supplement(actor=worker, case=case, items=items, other=other, on=asked_on)
    if kind == "supplied":
        received = [*items, "free_text"]
        return services.case_supply(
            actor=worker, case=case, received=received, note="演示：申请人到窗口补交", on=asked_on + dt.timedelta(9)
        )
    if kind == "not_accepted_overdue":
        assert case.due_date is not None
        return services.case_not_accept(
            actor=worker,
            case=case,
            reason="supplement_overdue",
            text="演示：经一次性告知后，申请人逾期未补交材料，经电话联系仍未补交",
            on=case.due_date + dt.timedelta(days=3),
        )
    return case
