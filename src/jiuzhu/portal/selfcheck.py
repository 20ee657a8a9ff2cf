"""自助测算: the engine run on a household the visitor describes, nothing stored. The description becomes a
snapshot of the engine's input schema (policy.inputs records), evaluated once with the parameters in force
for the chosen village today: the same path as a case's snapshot, so the same household gets the same answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.cases import checklists, engine
from jiuzhu.core.money import fen_to_yuan
from jiuzhu.policy.inputs import snapshot_frames
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, evaluate
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.regions.models import Region


@dataclass(frozen=True)
class Estimate:
    program: str
    name: str
    eligible: bool
    amount: Decimal
    lines: list[str]
    documents: list[str] = field(default_factory=list)


def birth_for_age(age: int, on: dt.date) -> dt.date:
    """A birth date that makes `age` whole years on `on` (29 February falls back to the 28th)."""
    try:
        born = on.replace(year=on.year - age)
    except ValueError:
        born = on.replace(year=on.year - age, day=28)
    return born


def snapshot_of(
    *, village: Region, household: dict[str, Any], members: list[dict[str, Any]], on: dt.date
) -> dict[str, Any]:
    """The described household as a snapshot record (money as yuan strings, dates ISO)."""
    hh = {
        "id": 1,
        "region_code": village.code,
        "area": household["area"],
        "deposits": str(household.get("deposits") or Decimal(0)),
        "vehicles": int(household.get("vehicles") or 0),
        "homes": 1 if household.get("homes") is None else int(household["homes"]),
        "business": bool(household.get("business")),
        "disability_vehicle": False,
    }
    records = []
    for i, m in enumerate(members, start=1):
        record = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in m.items() if k != "age"}
        records.append({**record, "id": i, "name": _("成员%(n)d") % {"n": i},
                        "birth_date": birth_for_age(int(m["age"]), on).isoformat()})  # fmt: skip
    return {"household": hh, "members": records}


def estimate(
    *, village: Region, household: dict[str, Any], members: list[dict[str, Any]], on: dt.date
) -> list[Estimate]:
    """Per monthly programme: likely eligible or not, about how much a month, the engine's explanation lines,
    and (when likely eligible) the documents to bring. The eligible ones first."""
    snapshot = snapshot_of(village=village, household=household, members=members, on=on)
    households, persons = snapshot_frames(snapshot, on)
    result = evaluate(households, persons, parameters_frame(regions=[village]), date=on, marked=True)
    row = result.households.row(0, named=True)
    out = []
    for code in MONTHLY_PROGRAMS:
        eligible = bool(row.get(f"{code}.eligible"))
        fen = int(row.get(f"{code}.monthly") or 0)
        lines = [str(line) for line in (row.get(f"{code}.explain") or [])]
        docs = [str(label) for _key, label in checklists.checklist(code)] if eligible else []
        out.append(Estimate(code, engine.program_name(code), eligible and fen > 0, fen_to_yuan(fen), lines, docs))
    return sorted(out, key=lambda e: not e.eligible)
