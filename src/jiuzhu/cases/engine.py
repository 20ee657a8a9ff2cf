"""The one place the cases app talks to the rules engine (jiuzhu.policy.rules).

Everything the decision screen, the approval form and the notices need from policy goes through the
functions below. The snapshot taken at application is evaluated with today's dated regional parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Count, Q

from jiuzhu.core.messages import msg
from jiuzhu.core.money import fen_to_yuan
from jiuzhu.policy.inputs import registry_frames, registry_raw, snapshot_frames
from jiuzhu.policy.programs import program_choices, program_name
from jiuzhu.policy.rules import PROGRAMS_BY_CODE, Periodicity, Unit, evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

# The programmes by name, in the user's language (policy.programs), for the forms and documents of cases.
__all__ = [
    "AmountAsk",
    "EngineResult",
    "amounts_now",
    "evaluate_snapshot",
    "household_sizes",
    "is_monthly",
    "is_person_program",
    "program_choices",
    "program_name",
]


@dataclass(frozen=True)
class EngineResult:
    program: str
    eligible: bool | None  # None: the engine has no monthly rule for this programme
    amount: Decimal | None  # yuan per month
    persons: list[int] = field(default_factory=list)  # person ids the amount covers
    lines: list[str] = field(default_factory=list)  # the explanation, marked messages (core/messages.py)


def is_monthly(code: str) -> bool:
    program = PROGRAMS_BY_CODE.get(code)
    return program is not None and program.periodicity in (Periodicity.MONTHLY, Periodicity.TRIGGERED)


def is_person_program(code: str) -> bool:
    program = PROGRAMS_BY_CODE.get(code)
    return program is not None and program.unit == Unit.PERSON


def _params(region_code: str) -> pl.DataFrame:
    """The dated parameters in force for the household's village and its ancestors, as the county admin
    set them: the same source the household page's eligibility panel and the monthly run use."""
    region = Region.objects.filter(code=region_code).first()
    return parameters_frame(regions=[region] if region else [])


def evaluate_snapshot(
    *,
    snapshot: dict[str, Any],
    program: str,
    on: dt.date,
    applicant_id: int | None = None,
    single_person: bool = False,
) -> EngineResult:
    """The engine's result for one household as described by a snapshot (cases.services.household_snapshot),
    for the month containing `on`. 单人保 and person programmes are read for the applicant only."""
    if not is_monthly(program) or program == "jiage_butie":
        return EngineResult(program, None, None, [], [msg("本项目为一次性或按单据救助，金额由经办人员按规定核定")])
    households, persons = snapshot_frames(snapshot, on)
    params = _params(snapshot["household"].get("region_code", ""))
    result = evaluate(households, persons, params, date=on, marked=True)
    row = result.households.row(0, named=True)
    lines = [str(line) for line in (row.get(f"{program}.explain") or [])]
    if single_person and applicant_id is not None:
        person = result.persons.filter(pl.col("person_id") == applicant_id).row(0, named=True)
        ok = bool(person.get("single_ok"))
        fen = int(person.get("single_amount") or 0) if ok else 0
        lines = [*lines, msg("单人保：符合单独纳入低保条件" if ok else "单人保：不符合单独纳入低保条件")]
        return EngineResult(program, ok, fen_to_yuan(fen), [applicant_id] if ok else [], lines)
    eligible = bool(row[f"{program}.eligible"])
    covered = [int(p) for p in (row.get(f"{program}.persons") or [])]
    fen = int(row[f"{program}.monthly"] or 0)
    if is_person_program(program) and applicant_id is not None:
        person = result.persons.filter(pl.col("person_id") == applicant_id).row(0, named=True)
        fen = int(person.get(f"a:{program}") or 0)
        eligible = fen > 0
        covered = [applicant_id] if eligible else []
    return EngineResult(program, eligible, fen_to_yuan(fen), covered, lines)


@dataclass(frozen=True)
class AmountAsk:
    """One household's amount to compute from the registry as it stands: the programme, and for 单人保 or a
    person programme the person it is read for."""

    household_id: int
    program: str
    applicant_id: int | None = None
    single_person: bool = False


def amounts_now(*, asks: list[AmountAsk], on: dt.date) -> list[EngineResult]:
    """The engine's eligibility and monthly amount for many households at once, as the registry holds them
    now: the same reading as `evaluate_snapshot` of a fresh snapshot, without the explanation lines, in one
    pass of the engine (a list of proposals costs about what one household does). One result per ask, in
    order; a household no longer in the registry has eligible None."""
    monthly = [a for a in asks if is_monthly(a.program) and a.program != "jiage_butie"]
    ids = sorted({a.household_id for a in monthly})
    results: dict[int, dict[str, Any]] = {}
    persons_by_id: dict[int, dict[str, Any]] = {}
    if ids:
        raw = registry_raw(Q(pk__in=ids), person_where=Q(household_id__in=ids))
        codes = raw[0]["region_code"].unique().to_list()
        households, persons = registry_frames(raw, on)
        params = parameters_frame(regions=list(Region.objects.filter(code__in=codes)))
        result = evaluate(
            households, persons, params, date=on, explain=False, programs=sorted({a.program for a in monthly})
        )
        results = {row["household_id"]: row for row in result.households.iter_rows(named=True)}
        persons_by_id = {row["person_id"]: row for row in result.persons.iter_rows(named=True)}
    out = []
    for ask in asks:
        row = results.get(ask.household_id)
        if not is_monthly(ask.program) or ask.program == "jiage_butie" or row is None:
            out.append(EngineResult(ask.program, None, None, [], []))
            continue
        applicant = persons_by_id.get(ask.applicant_id) if ask.applicant_id is not None else None
        if ask.single_person and ask.applicant_id is not None:
            ok = bool(applicant and applicant.get("single_ok"))
            fen = int((applicant or {}).get("single_amount") or 0) if ok else 0
            out.append(EngineResult(ask.program, ok, fen_to_yuan(fen), [ask.applicant_id] if ok else [], []))
            continue
        eligible = bool(row[f"{ask.program}.eligible"])
        fen = int(row[f"{ask.program}.monthly"] or 0)
        if is_person_program(ask.program) and ask.applicant_id is not None:
            fen = int((applicant or {}).get(f"a:{ask.program}") or 0)
            eligible = fen > 0
        out.append(EngineResult(ask.program, eligible, fen_to_yuan(fen), [], []))
    return out


def household_sizes(*, ids: list[int]) -> dict[int, int]:
    """Members per household (for reading a one-person 低保 in a larger household as 单人保)."""
    rows = Person.objects.filter(household_id__in=ids).values("household_id").annotate(n=Count("id"))
    return {r["household_id"]: r["n"] for r in rows}
