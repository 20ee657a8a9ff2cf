"""Reads of the policy app: parameter values by region and date, and the engine's view of a household.
household_evaluation is the one place the ORM meets the rules engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db.models import QuerySet

from jiuzhu.core.money import fen_to_yuan, yuan_to_fen
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, PARAMETER_SPECS, PROGRAMS_BY_CODE, evaluate, parse_value
from jiuzhu.policy.rules.params import PARAMS_SCHEMA
from jiuzhu.regions.models import Region, parent_code
from jiuzhu.registry.models import Household


def ancestor_codes(code: str) -> list[str]:
    """The region and all regions above it, nearest first."""
    codes: list[str] = []
    current: str | None = code
    while current:
        codes.append(current)
        current = parent_code(current)
    return codes


def parameters_for_region(*, region: Region) -> QuerySet[Parameter]:
    """Every row that can apply to `region`: its own and those of the regions above it."""
    return Parameter.objects.filter(region__code__in=ancestor_codes(region.code)).select_related("region")


def parameter_value(key: str, region: Region, date: dt.date) -> Decimal | str | None:
    """The value of `key` in force for `region` on `date`: the nearest region up the tree with a value
    in force, and its latest one. None when no region defines it."""
    rows = parameters_for_region(region=region).filter(key=key, effective_from__lte=date)
    best = max(rows, key=lambda p: (len(p.region.prefix), p.effective_from), default=None)
    return None if best is None else parse_value(key, best.value)


def parameters_frame(*, regions: list[Region] | None = None) -> pl.DataFrame:
    """The parameter rows as the engine takes them (region prefix, key, value, effective_from). Rows
    are few (keys × dates × regions with their own values), so the whole table is cheap to read."""
    qs = Parameter.objects.select_related("region")
    if regions is not None:
        codes = {c for r in regions for c in ancestor_codes(r.code)}
        qs = qs.filter(region__code__in=codes)
    rows = [(p.region.prefix, p.key, p.value, p.effective_from) for p in qs]
    return pl.DataFrame(rows, schema=PARAMS_SCHEMA, orient="row")


@dataclass
class ParameterRow:
    key: str
    label: str
    unit: str
    current: Parameter | None
    history: list[Parameter] = field(default_factory=list)


def parameter_table(*, region: Region, date: dt.date) -> list[ParameterRow]:
    """For the settings page: per key, the value in force for `region` on `date` and the full history
    of the rows that apply to it, newest first."""
    rows = list(parameters_for_region(region=region))
    out = []
    for key, spec in PARAMETER_SPECS.items():
        mine = sorted((p for p in rows if p.key == key), key=lambda p: (p.effective_from, len(p.region.prefix)),
                      reverse=True)  # fmt: skip
        in_force = [p for p in mine if p.effective_from <= date]
        current = max(in_force, key=lambda p: (len(p.region.prefix), p.effective_from), default=None)
        out.append(ParameterRow(key, spec.label, spec.unit, current, mine))
    return out


@dataclass
class ProgramResult:
    code: str
    name: str
    eligible: bool
    monthly: Decimal
    persons: list[str]
    explain: list[str]


@dataclass
class HouseholdEvaluation:
    date: dt.date
    per_capita: Decimal
    household_class: str
    programs: list[ProgramResult]


def household_frames(*, household: Household, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The household and its members as the engine's one-row and n-row frames."""
    h = pl.DataFrame(
        [{
            "household_id": household.pk, "region": household.region_code, "date": date,
            "urban": household.area == "urban", "deposits": yuan_to_fen(household.deposits),
            "vehicles": household.vehicles, "disability_vehicle": household.disability_vehicle,
            "homes": household.homes, "business": household.business,
        }]
    )  # fmt: skip
    rows = [
        {
            "person_id": p.pk, "household_id": household.pk, "label": p.name, "birth_date": p.birth_date,
            "disability_kind": p.disability_kind or None,
            "disability_grade": p.disability_grade if p.disability_kind else None,
            "serious_illness": p.serious_illness, "labor": p.labor, "adl_impossible": p.adl_impossible,
            "student": p.student, "alive": p.date_of_death is None or p.date_of_death > date,
            "excluded": p.excluded, "supporter": p.supporter, "orphan": p.orphan, "institution": p.institution,
            "prefers_dibao": p.prefers_dibao,
            "income_wage": yuan_to_fen(p.income_wage), "income_business": yuan_to_fen(p.income_business),
            "income_property": yuan_to_fen(p.income_property), "income_transfer": yuan_to_fen(p.income_transfer),
            "income_other": yuan_to_fen(p.income_other), "income_exempt": yuan_to_fen(p.income_exempt),
            "rigid_medical": yuan_to_fen(p.rigid_medical), "rigid_rehab": yuan_to_fen(p.rigid_rehab),
        }
        for p in household.members.order_by("id")
    ]  # fmt: skip
    schema = {"person_id": pl.Int64, "household_id": pl.Int64, "label": pl.String, "birth_date": pl.Date,
              "disability_kind": pl.String, "disability_grade": pl.Int8}  # fmt: skip
    persons = pl.DataFrame(rows, schema_overrides=schema) if rows else pl.DataFrame(schema=schema)
    return h, persons


def household_evaluation(*, household: Household, date: dt.date) -> HouseholdEvaluation:
    """Every monthly programme for one household from its registry data, by the same engine as the
    monthly run. ParameterError when the region has no value for a key (defaults not loaded)."""
    h, persons = household_frames(household=household, date=date)
    params = parameters_frame(regions=[household.region])
    row = evaluate(h, persons, params, explain=True).households.row(0, named=True)
    names = dict(persons.select("person_id", "label").iter_rows()) if persons.height else {}
    programs = [
        ProgramResult(
            code=code,
            name=PROGRAMS_BY_CODE[code].name,
            eligible=row[f"{code}.eligible"],
            monthly=fen_to_yuan(row[f"{code}.monthly"]),
            persons=[names[i] for i in row[f"{code}.persons"]],
            explain=row[f"{code}.explain"],
        )
        for code in MONTHLY_PROGRAMS
        if not (code == "dibao_urban" and household.area != "urban")
        and not (code == "dibao_rural" and household.area == "urban")
    ]
    return HouseholdEvaluation(date, fen_to_yuan(row["per_capita"]), row["class"], programs)
