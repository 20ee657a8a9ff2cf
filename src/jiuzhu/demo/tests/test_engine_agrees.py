"""Every demo entitlement agrees with the engine on the day it was decided (issue #10: "all 12 demo 低保
entitlements belong to households the engine finds not eligible … one person paid 856 元, above the maximum").

Which day is "the day it was decided", by the link of the chain:
- an entitlement from a case: the case's decision date, on the case's snapshot (what the county decided on);
- a 提标 recompute's link: its first month, on the registry as it stood then — a new link decided on its own date,
  which adds to the amount paid what the raise adds to the engine's amount (payments.services.recompute: the
  rest of the amount stays as decided), so the old link keeps the old standard's amount;
- the roll from before jiuzhu (no case, no previous link): its first month, on the registry.

Documented exceptions, which are not decisions of the engine's: a 渐退期 pays on after eligibility ends, and the
cross-check's planted anomaly (a 低保 household also paid 特困, which the findings ledger must find)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from jiuzhu.cases import engine
from jiuzhu.cases.models import Case, CaseEvent, NoticeEntry, Status
from jiuzhu.core.money import fen_to_yuan
from jiuzhu.payments.models import Cause, Entitlement
from jiuzhu.policy.inputs import household_frames
from jiuzhu.policy.rules import evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region

PLANTED = "演示：特困供养"  # matching.demo's anomaly: 特困 on top of 低保, for the cross-check to find


def _registry_result(ent: Entitlement, on: dt.date, *, before: bool = False) -> tuple[bool, Decimal]:
    """The engine on the household's registry facts of `on`, with the parameters in force on `on` (`before`:
    those in force the day before)."""
    households, persons = household_frames(household=ent.household, date=on)
    region = Region.objects.get(code=ent.household.region_code)
    params = parameters_frame(regions=[region])
    if before:
        params = params.filter(pl.col("effective_from") < on)
    row = evaluate(households, persons, params, date=on).households.row(0, named=True)
    return bool(row[f"{ent.program}.eligible"]), fen_to_yuan(int(row[f"{ent.program}.monthly"] or 0))


def _case_result(ent: Entitlement) -> tuple[bool, Decimal, dt.date]:
    case = ent.source_case
    assert case is not None and case.decided_at is not None
    result = engine.evaluate_snapshot(
        snapshot=case.snapshot,
        program=ent.program,
        on=case.decided_at,
        applicant_id=case.applicant_id,
        single_person=case.single_person,
    )
    return bool(result.eligible), result.amount or Decimal(0), case.decided_at


@pytest.mark.django_db
def test_every_demo_entitlement_agrees_with_the_engine_on_the_day_it_was_decided() -> None:
    call_command("demo", no_serve=True, households=400, seed=11, stdout=StringIO(), stderr=StringIO())
    entitlements = Entitlement.objects.select_related("household", "source_case", "previous").order_by("pk")
    checked = 0
    wrong: list[str] = []
    for ent in entitlements:
        if ent.gradual_exit or ent.reason == PLANTED:
            continue
        if ent.source_case is not None and ent.previous_id is None:
            eligible, amount, on = _case_result(ent)
        elif ent.previous is not None and ent.events.filter(cause=Cause.RECOMPUTE).exists():
            on = ent.start_month
            eligible, after = _registry_result(ent, on)
            amount = ent.previous.monthly_amount + after - _registry_result(ent, on, before=True)[1]
        else:
            on = ent.start_month
            eligible, amount = _registry_result(ent, on)
        checked += 1
        if not eligible or amount != ent.monthly_amount:
            wrong.append(f"{ent.pk} {ent.program} {on}: paid {ent.monthly_amount}, engine {eligible} {amount}")
    assert checked > 20
    assert Entitlement.objects.filter(source_case__isnull=False).count() >= 8
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_demo_cases_tell_their_history_with_handlers_and_a_refusal_proposes_no_amount() -> None:
    call_command("demo", no_serve=True, households=300, seed=5, stdout=StringIO(), stderr=StringIO())
    for case in Case.objects.filter(status=Status.REFUSED):
        assert case.approved_amount is None
        assert not NoticeEntry.objects.filter(case=case).exclude(amount__isnull=True).exists(), case.number
    closed = Case.objects.filter(status__in=[Status.APPROVED, Status.REFUSED])
    assert closed.exists()
    for case in closed:
        actions = list(case.events.values_list("action", flat=True))
        assert actions[0] == "submit" and actions[-1] in ("confirm", "refuse"), (case.number, actions)
        assert "township_opinion" in actions, (case.number, actions)
        assert not case.events.exclude(action="submit").filter(actor__isnull=True).exists(), case.number
    # Every case past 受理 holds its 受理 step with the caseworker who took it (待补正 and 不予受理 never got there).
    accepted = Case.objects.exclude(
        status__in=[Status.SUBMITTED, Status.WITHDRAWN, Status.SUPPLEMENT, Status.NOT_ACCEPTED]
    )
    assert not accepted.exclude(events__action="accept").exists()
    assert CaseEvent.objects.filter(action="accept", actor__isnull=True).count() == 0
