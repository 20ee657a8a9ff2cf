"""Reads of applications, notices and reviews, always limited to the user's region subtree."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.cases import checklists, deadlines, engine
from jiuzhu.cases.models import (
    Case,
    NotAcceptedReason,
    Notice,
    NoticeEntry,
    ReserveFundEntry,
    Review,
    ReviewKind,
    ReviewOutcome,
    Status,
    SupplementRequest,
)
from jiuzhu.cases.querycode import query_code_matches
from jiuzhu.cases.workflow import CHECK_AMOUNT, NEXT_STEP, OPEN, STEPS, TEKUN, step_allowed
from jiuzhu.core import pii
from jiuzhu.core.idcard import IdNumberError, parse_id_number
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import code_range, prefix_q, scope_q
from jiuzhu.core.workdays import workdays_spans
from jiuzhu.regions.models import PREFIX_LENGTH, Level, Region
from jiuzhu.registry.models import DisabilityKind, Labor


def snapshot_members(*, case: Case) -> list[dict[str, Any]]:
    """The members as the case recorded them, with the labour capacity and disability in words."""
    members = []
    for m in case.snapshot.get("members", []):
        labor = m.get("labor") or ""
        kind = m.get("disability_kind") or ""
        disability = ""
        if kind:
            name = DisabilityKind(kind).label if kind in DisabilityKind.values else kind
            grade = m.get("disability_grade")
            disability = _("%(kind)s%(grade)s级") % {"kind": name, "grade": grade} if grade else str(name)
        members.append(m | {
            "labor_label": Labor(labor).label if labor in Labor.values else labor,
            "disability_label": disability,
        })  # fmt: skip
    return members


def cases_visible(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(scope_q(user)).select_related("household", "applicant")


@dataclass(frozen=True)
class CaseFilter:
    """What the case list is narrowed by; every field optional. `text` is a case number, an ID number (of any
    member of the household) or the start of the head's or the applicant's name."""

    text: str = ""
    region: str = ""  # a region-code prefix inside the user's scope (a township, a village)
    status: str = ""
    program: str = ""
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None


def cases_search(*, user: User, where: CaseFilter) -> QuerySet[Case]:
    qs = cases_visible(user=user)
    if where.region.isdigit():
        qs = qs.filter(prefix_q(where.region))
    if where.status in Status.values:
        qs = qs.filter(status=where.status)
    if where.program:
        qs = qs.filter(program=where.program)
    if where.submitted_from:
        qs = qs.filter(submitted_at__gte=where.submitted_from)
    if where.submitted_to:
        qs = qs.filter(submitted_at__lte=where.submitted_to)
    text = where.text.strip()
    if text:
        qs = qs.filter(_text_q(text))
    return qs


def _text_q(text: str) -> Q:
    try:
        number = parse_id_number(text).number
    except IdNumberError:
        number = ""
    if number:  # the case of any household this person belongs to
        return Q(household__members__id_number_hash__in=pii.lookup_hashes(number))
    if text.isascii():  # case numbers are letters and digits
        return Q(number__istartswith=text) | Q(household__number__startswith=text)
    return Q(household__head_name__startswith=text) | Q(applicant__name__startswith=text)


def case_get(*, user: User, pk: int) -> Case:
    """The case, or 404 when it does not exist or lies outside the user's region."""
    return get_object_or_404(cases_visible(user=user).select_related("household__region"), pk=pk)


# The one item of a supplement request that is not a checklist code: what was asked in words.
OTHER = "free_text"


def open_supplement(case: Case) -> SupplementRequest | None:
    """The request the applicant has not yet answered, if any."""
    return case.supplements.filter(supplied_on__isnull=True).order_by("-id").first()


def supplement_labels(case: Case, request: SupplementRequest) -> list[tuple[str, str]]:
    """(code, label) of everything asked in `request`: the checklist items in the checklist's order, then
    the free text as item `other`."""
    asked = set(request.items)
    out = [(code, str(label)) for code, label in checklists.checklist(case.program) if code in asked]
    out += [(code, code) for code in request.items if code not in {c for c, _l in out}]  # a checklist changed since
    if request.other.strip():
        out.append((OTHER, request.other.strip()))
    return out


def steps_for(*, user: User, case: Case, on: dt.date | None = None) -> list[str]:
    """The steps this user may take on this case on `on` (today): exactly those the services accept."""
    return [action for action in (*STEPS, CHECK_AMOUNT.action) if step_allowed(user, case, action, on=on)]


@dataclass(frozen=True)
class TodoItem:
    case: Case
    action: str
    due: dt.date | None
    overdue: bool


_todo_cases = prepared(
    lambda low, high, *statuses: (
        Case.objects.filter(region_code__range=(low, high), status__in=statuses)
        .select_related("household")
        .defer("snapshot", "engine_lines")
        .prefetch_related(Prefetch("notice_entries", queryset=NoticeEntry.objects.select_related("notice")))
        .order_by("due_date", "id")
    )
)


def todo_for(*, user: User, on: dt.date) -> list[TodoItem]:
    """What waits for this user, ordered by due date: the next step of each case in scope that their role
    takes. Investigation of staff relatives' applications waits for the county, not the township."""
    mine = {status for status, action in NEXT_STEP.items() if user.has_capability(STEPS[action].capability)}
    if user.has_capability(STEPS["refuse"].capability):
        mine.add(Status.TOWNSHIP_DONE)  # a negative township opinion waits for the county's refusal
    if not mine:
        return []
    # The snapshot and the engine's lines are the case's bulk and no step reads them; the notices the confirm
    # step checks come in one query for the whole list instead of one per case on notice.
    # The list shows the head of the household, never the applicant: their row (a person's forty columns) is
    # not read.
    # The query is compiled once per process and set of statuses (core.prepared): the to-do list is asked
    # all day.
    prefix = user.scope_prefix
    items: list[TodoItem] = []
    for case in _todo_cases(*code_range(prefix), *sorted(mine)) if prefix else []:
        action = NEXT_STEP[Status(case.status)]
        step = STEPS[action]
        # Staff relatives' files are investigated by the county; the county's check centre answers every check.
        county_owns = case.staff_relative or action == "record_check"
        if step.county_for_staff_relatives and not county_owns and user.is_county_level:
            continue
        if action == "supply" and item_overdue(case, on) and user.has_capability(STEPS["not_accept"].capability):
            action = "not_accept"  # the supplement never came: the township decides whether to take it up
        if action == "publish_notice" and case.opinion_recommend is False:
            action = "refuse"  # a negative opinion is not published: it goes to the county's decision
        if not step_allowed(user, case, action, on=on):
            continue  # not theirs (a staff relative's file, their own opinion) or not yet (still on notice)
        items.append(TodoItem(case, action, case.due_date, case.due_date is not None and case.due_date < on))
    if user.has_capability(CHECK_AMOUNT.capability):  # an amount above the computed one, to check
        waiting = cases_visible(user=user).filter(amount_check_by__isnull=False).exclude(amount_check_by=user)
        for case in waiting.order_by("due_date", "id"):
            if step_allowed(user, case, CHECK_AMOUNT.action, on=on):
                items.append(
                    TodoItem(case, "check_amount", case.due_date, case.due_date is not None and case.due_date < on)
                )
        items.sort(key=lambda item: (item.due or dt.date.max, item.case.pk))
    return items


def item_overdue(case: Case, on: dt.date) -> bool:
    return case.due_date is not None and case.due_date < on


def reviews_visible(*, user: User) -> QuerySet[Review]:
    return Review.objects.filter(scope_q(user)).select_related("entitlement", "entitlement__household")


def review_get(*, user: User, pk: int) -> Review:
    return get_object_or_404(reviews_visible(user=user), pk=pk)


def reviews_due(*, user: User, until: dt.date) -> QuerySet[Review]:
    """Pending reviews due by `until` for whoever records reviews; every pending re-check after a member's
    death whatever its deadline: the household may be paid for someone who is gone, so it waits on the to-do
    list from the day the death is recorded ([57] 第三十条 gives three months at most); and every proposal the
    county returned. A proposal waiting for the county is on the county's list (review_proposals), not here."""
    if not user.has_capability(Capability.REVIEW_ENTITLEMENT):
        return Review.objects.none()
    due = Q(due_date__lte=until) | Q(kind=ReviewKind.DEATH) | Q(returned_at__isnull=False)
    return (
        reviews_visible(user=user)
        .filter(due, outcome=ReviewOutcome.PENDING, proposed_outcome="")
        .order_by("due_date", "id")
    )


def review_proposals(*, user: User) -> QuerySet[Review]:
    """The townships' proposals (调整、渐退、停保) waiting for this county approver's decision, the oldest
    first; their own proposals wait for another approver (maker-checker)."""
    if not user.has_capability(Capability.CONFIRM_CASE):
        return Review.objects.none()
    return (
        reviews_visible(user=user)
        .filter(outcome=ReviewOutcome.PENDING)
        .exclude(proposed_outcome="")
        .exclude(proposed_by=user)
        .select_related("proposed_by")
        .order_by("proposed_at", "id")
    )


def may_propose_stop(*, user: Any) -> bool:
    """The township's 申请停保: who records reviews but does not decide them (the county stops at a review)."""
    return bool(user.has_capability(Capability.REVIEW_ENTITLEMENT) and not user.has_capability(Capability.CONFIRM_CASE))


def notices_visible(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(scope_q(user)).select_related("village")


def notice_get(*, user: User, pk: int) -> Notice:
    return get_object_or_404(notices_visible(user=user), pk=pk)


def notice_public(*, public_id: str) -> Notice:
    """For the public page: no login, no scope; only masked columns are ever read from it."""
    return get_object_or_404(Notice.objects.select_related("village", "village__parent"), public_id=public_id)


def cases_ready_for_notice(*, user: User) -> QuerySet[Case]:
    return cases_visible(user=user).filter(status=Status.TOWNSHIP_DONE, opinion_recommend=True).order_by("region_code")


@dataclass(frozen=True)
class Timeliness:
    township: Region
    decided: int
    median_days: float | None
    open_cases: int
    overdue_open: int
    late_decisions: int


def timeliness(*, user: User, on: dt.date) -> list[Timeliness]:
    """Per township: working days from acceptance to decision (median), and what is or was late. A fixed
    number of queries whatever the number of townships and cases."""
    if not user.scope_prefix:
        return []
    townships = list(Region.objects.filter(prefix_q(user.scope_prefix, "code"), level=Level.TOWNSHIP).order_by("code"))
    width = PREFIX_LENGTH[Level.TOWNSHIP]
    in_scope = Case.objects.filter(prefix_q(user.scope_prefix))
    decided: dict[str, list[tuple[dt.date | None, dt.date | None, dt.date | None]]] = {}
    rows = in_scope.filter(status__in=[Status.APPROVED, Status.REFUSED], accepted_at__isnull=False).values_list(
        "region_code", "accepted_at", "decided_at", "overall_due"
    )
    for code, accepted, decided_at, due in rows:
        decided.setdefault(code[:width], []).append((accepted, decided_at, due))
    open_counts = {
        row["township"]: (row["n"], row["overdue"])
        for row in in_scope.filter(status__in=OPEN)
        .annotate(township=Substr("region_code", 1, width))
        .values("township")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(due_date__lt=on)))
    }
    pairs = [(a, d) for t in townships for a, d, _due in decided.get(t.prefix, []) if a and d]
    spans = iter(workdays_spans(pairs))
    out = []
    for t in townships:
        mine = decided.get(t.prefix, [])
        t_spans = [next(spans) for a, d, _due in mine if a and d]
        n_open, n_overdue = open_counts.get(t.prefix, (0, 0))
        out.append(
            Timeliness(
                township=t,
                decided=len(mine),
                median_days=statistics.median(t_spans) if t_spans else None,
                open_cases=n_open,
                overdue_open=n_overdue,
                late_decisions=sum(1 for _a, d, due in mine if d and due and d > due),
            )
        )
    return out


def snapshot_covered_size(case: Case) -> int:
    """How many people the application is for: what the notice shows as 保障人数."""
    if case.single_person or engine.is_person_program(case.program):
        return 1
    members = case.snapshot.get("members", [])
    return sum(1 for m in members if not m.get("excluded") and not m.get("date_of_death")) or 1


def notice_start_bounds(on: dt.date) -> tuple[dt.date, dt.date]:
    """A notice is often posted on the village board first and entered later, or prepared a few days
    ahead: its start date may lie up to 30 days back or 7 days ahead."""
    return on - dt.timedelta(days=30), on + dt.timedelta(days=7)


def refusal_notify_due(case: Case) -> dt.date | None:
    if case.decided_at is None:
        return None
    return deadlines.due_after(case.decided_at, "case.days.refusal_notice", region_code=case.region_code)


def reserve_balance(*, township_code: str) -> Decimal:
    total = ReserveFundEntry.objects.filter(region_code=township_code).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def reserve_townships(*, user: User) -> list[tuple[Region, Decimal]]:
    """The townships in the user's scope with their reserve-fund balance, in two queries."""
    if not user.scope_prefix:
        return []
    townships = Region.objects.filter(prefix_q(user.scope_prefix, "code"), level=Level.TOWNSHIP).order_by("code")
    sums = dict(
        ReserveFundEntry.objects.filter(prefix_q(user.scope_prefix))
        .values("region_code")
        .annotate(s=Sum("amount"))
        .values_list("region_code", "s")
    )
    return [(t, sums.get(t.code) or Decimal("0.00")) for t in townships]


def reserve_ledger(*, township: Region) -> QuerySet[ReserveFundEntry]:
    return ReserveFundEntry.objects.filter(region_code=township.code).select_related("case")


def _can_work(member: dict[str, Any], on: dt.date) -> bool:
    birth = dt.date.fromisoformat(member["birth_date"])
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return member.get("labor") == Labor.FULL and 16 <= age < 60 and not member.get("date_of_death")


def review_interval_months(*, case: Case, on: dt.date) -> int:
    """Yearly; every 6 months where income is irregular and a member can work (never for 特困)."""
    if (
        case.program not in TEKUN
        and case.income_irregular
        and any(_can_work(m, on) for m in case.snapshot.get("members", []))
    ):
        return deadlines.months("review.months.irregular", region_code=case.region_code, on=on)
    return deadlines.months("review.months.stable", region_code=case.region_code, on=on)


@dataclass(frozen=True)
class PublicStatus:
    """What the family may read with its query code: its own case's stage, dates and outcome, nothing more."""

    number: str
    program: str
    status: str
    closed: bool
    submitted_at: dt.date
    accepted_at: dt.date | None
    due_date: dt.date | None
    overall_due: dt.date | None
    decided_at: dt.date | None
    steps: list[tuple[dt.date, str]]
    # 待补正: what the family is to bring, and by when; 不予受理: the township's reason in words.
    supplement_items: list[str] = field(default_factory=list)
    supplement_due: dt.date | None = None
    not_accepted_reason: str = ""
    not_accepted_text: str = ""
    not_accepted_at: dt.date | None = None


def step_label(action: str, to_status: str) -> str:
    """A step of a case's history in words (提交申请, 受理, 入户调查…), never its code."""
    if action == "submit":
        return _("提交申请")
    if action == "emergency_pay":
        return _("急难型先行救助")
    if action == "request_amount_check":
        return _("确认金额提请复核")
    if action == CHECK_AMOUNT.action:
        return str(CHECK_AMOUNT.label)
    if action in STEPS:
        return str(STEPS[action].label)
    return str(Status(to_status).label) if to_status in Status.values else action


def case_public_status(*, number: str, code: str) -> PublicStatus | None:
    """The case when number and query code match; None otherwise, the same None for an unknown number, a
    wrong code and a case entered at the window (which has no code)."""
    number = (number or "").strip()[:24]
    case = Case.objects.filter(number=number).first() if number else None
    if not query_code_matches(number=number, code=code, stored=case.query_code_hash if case else ""):
        return None
    assert case is not None
    steps = [(e.on, step_label(e.action, e.to_status)) for e in case.events.order_by("id")]
    return PublicStatus(
        number=case.number,
        program=str(engine.program_name(case.program)),
        status=str(Status(case.status).label),
        closed=case.is_closed,
        submitted_at=case.submitted_at,
        accepted_at=case.accepted_at,
        due_date=case.due_date,
        overall_due=case.overall_due,
        decided_at=case.decided_at,
        steps=steps,
        **_public_intake(case),
    )


def _public_intake(case: Case) -> dict[str, Any]:
    if case.status == Status.SUPPLEMENT and (request := open_supplement(case)) is not None:
        return {
            "supplement_items": [label for _code, label in supplement_labels(case, request)],
            "supplement_due": request.due,
        }
    if case.status == Status.NOT_ACCEPTED:
        reason = case.not_accepted_reason
        return {
            "not_accepted_reason": str(NotAcceptedReason(reason).label) if reason else "",
            "not_accepted_text": case.not_accepted_text,
            "not_accepted_at": case.not_accepted_at,
        }
    return {}
