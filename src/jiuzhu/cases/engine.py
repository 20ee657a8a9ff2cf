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

from jiuzhu.core.money import fen_to_yuan
from jiuzhu.policy.inputs import snapshot_frames
from jiuzhu.policy.programs import program_choices, program_name
from jiuzhu.policy.rules import PROGRAMS_BY_CODE, Periodicity, Unit, evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region

# The programmes by name, in the user's language (policy.programs), for the forms and documents of cases.
__all__ = ["EngineResult", "evaluate_snapshot", "is_monthly", "is_person_program", "program_choices", "program_name"]


@dataclass(frozen=True)
class EngineResult:
    program: str
    eligible: bool | None  # None: the engine has no monthly rule for this programme
    amount: Decimal | None  # yuan per month
    persons: list[int] = field(default_factory=list)  # person ids the amount covers
    lines: list[str] = field(default_factory=list)  # the explanation a caseworker reads


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
        return EngineResult(program, None, None, [], ["本项目为一次性或按单据救助，金额由经办人员按规定核定"])
    households, persons = snapshot_frames(snapshot, on)
    result = evaluate(households, persons, _params(snapshot["household"].get("region_code", "")), date=on)
    row = result.households.row(0, named=True)
    lines = [str(line) for line in (row.get(f"{program}.explain") or [])]
    if single_person and applicant_id is not None:
        person = result.persons.filter(pl.col("person_id") == applicant_id).row(0, named=True)
        ok = bool(person.get("single_ok"))
        fen = int(person.get("single_amount") or 0) if ok else 0
        lines = [*lines, "单人保：" + ("符合单独纳入低保条件" if ok else "不符合单独纳入低保条件")]
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
