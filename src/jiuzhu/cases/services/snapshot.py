"""The household as the application keeps it. Left as it was: the engine-input schema replaces it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuzhu.registry.models import Household, Person


def _member_json(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "relation": p.relation,
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat(),
        "id_masked": p.id_masked,
        "disability_kind": p.disability_kind,
        "disability_grade": p.disability_grade,
        "serious_illness": p.serious_illness,
        "labor": p.labor,
        "adl_impossible": p.adl_impossible,
        "student": p.student,
        "employment": p.employment,
        "supporter": p.supporter,
        "orphan": p.orphan,
        "institution": p.institution,
        "prefers_dibao": p.prefers_dibao,
        "excluded": p.excluded,
        "date_of_death": p.date_of_death.isoformat() if p.date_of_death else None,
        **{
            k: str(getattr(p, k))
            for k in (
                "income_wage",
                "income_business",
                "income_property",
                "income_transfer",
                "income_other",
                "income_exempt",
                "rigid_medical",
                "rigid_rehab",
            )
        },
    }


def household_snapshot(*, household: Household) -> dict[str, Any]:
    """The household as it stands now: what the application keeps as 'the family when applying'."""
    return {
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "household": {
            "id": household.pk,
            "number": household.number,
            "region_code": household.region_code,
            "area": household.area,
            "head_name": household.head_name,
            "deposits": str(household.deposits),
            "vehicles": household.vehicles,
            "disability_vehicle": household.disability_vehicle,
            "homes": household.homes,
            "business": household.business,
        },
        "members": [_member_json(p) for p in household.members.order_by("id")],
    }
