"""The portal's writes: an online application (the household registered as the family declared it, then a
case on the `online` channel) and a complaint (handed to the grievance desk).

Registering an online applicant. The workflow hangs every case on a registry household, so an applicant who
is not yet in the registry is registered from what the family declared, in the village it chose, with a note
saying so; the township checks it at 受理 and corrects the registry as after any window application. An
applicant already in the registry applies for the household they belong to (the case's snapshot is the
registry's household; what the family declared is kept in the case's reason for the township to compare).
Members already registered in another household are not registered twice: the case says how many, and the
township sorts them out. The visitor never learns which ID numbers the registry holds: every outcome shows
the same page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.cases.services import case_submit_online
from jiuzhu.cases.services.online import ONLINE_ACTOR
from jiuzhu.core import pii
from jiuzhu.core.idcard import IdNumber
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person, Relation
from jiuzhu.registry.services import HOUSEHOLD_FRAME, PERSON_FRAME, household_next_number, households_bulk_create


@dataclass
class DeclaredMember:
    name: str
    id: IdNumber
    relation: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeclaredHousehold:
    village: Region
    area: str
    address: str
    phone: str
    deposits: Decimal
    vehicles: int
    homes: int
    business: bool
    members: list[DeclaredMember]  # the applicant first


@dataclass(frozen=True)
class Submitted:
    number: str
    query_code: str


def _money(value: object) -> str:
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def _frames(declared: DeclaredHousehold, members: list[DeclaredMember], number: str) -> tuple[pl.DataFrame, ...]:
    v = declared.village
    households = pl.DataFrame(
        [{
            "number": number, "region_id": v.pk, "region_code": v.code, "area": declared.area,
            "address": declared.address, "phone": declared.phone, "bank_name": "", "bank_account": "",
            "deposits": _money(declared.deposits), "vehicles": declared.vehicles, "disability_vehicle": False,
            "homes": declared.homes, "business": declared.business,
        }],
        schema=HOUSEHOLD_FRAME,
    )  # fmt: skip
    rows = []
    for m in members:
        f = m.fields
        rows.append({
            "household_number": number, "name": m.name, "id_number": m.id.number, "birth_date": m.id.birth_date,
            "sex": m.id.sex, "relation": m.relation, "disability_kind": f.get("disability_kind") or "",
            "disability_grade": f.get("disability_grade"), "disability_cert": "",
            "serious_illness": bool(f.get("serious_illness")), "illness_name": "", "labor": f.get("labor", "full"),
            "adl_impossible": 0, "student": bool(f.get("student")), "employment": "none", "supporter": "capable",
            "orphan": "none", "institution": False, "date_of_death": None,
            "income_wage": _money(f.get("income_wage")), "income_business": "0.00", "income_property": "0.00",
            "income_transfer": "0.00", "income_other": _money(f.get("income_other")), "income_exempt": "0.00",
            "rigid_medical": _money(f.get("rigid_medical")), "rigid_rehab": "0.00",
        })  # fmt: skip
    return households, pl.DataFrame(rows, schema=PERSON_FRAME)


def _declared_summary(declared: DeclaredHousehold) -> str:
    income = sum(
        (Decimal(str(m.fields.get(k) or 0)) for m in declared.members for k in ("income_wage", "income_other")),
        Decimal(0),
    )
    return _("网上申请填报：共 %(n)d 人，月收入合计 %(i)s 元，存款 %(d)s 元，车辆 %(c)d 辆，房产 %(h)d 套。") % {
        "n": len(declared.members),
        "i": _money(income),
        "d": _money(declared.deposits),
        "c": declared.vehicles,
        "h": declared.homes,
    }


def _register(declared: DeclaredHousehold) -> tuple[Household, Person, str]:
    """The applicant's household and person: found in the registry, or registered from the declaration."""
    hashes = [pii.lookup_hash(m.id.number) for m in declared.members]
    known = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=hashes).select_related("household")}
    if hashes[0] in known:
        applicant = known[hashes[0]]
        return applicant.household, applicant, _("申请人已在家庭信息库登记，请受理时核对填报情况。")
    new = [m for m, h in zip(declared.members, hashes, strict=True) if h not in known]
    note = ""
    if len(new) < len(declared.members):
        note = _("另有 %(n)d 名填报成员已在其他家庭登记，未重复登记，请受理时核实。") % {
            "n": len(declared.members) - len(new)
        }
    if sum(1 for m in new if m.relation == Relation.SELF) != 1:
        # The head is registered elsewhere, or several were named: the applicant stands as head until checked.
        new = [DeclaredMember(m.name, m.id, Relation.OTHER, m.fields) for m in new]
        new[0].relation = Relation.SELF
        note += _("户主关系待受理时核实。")
    number = household_next_number(village=declared.village)
    households, persons = _frames(declared, new, number)
    households_bulk_create(actor=ONLINE_ACTOR, households=households, persons=persons, source=ONLINE_ACTOR)
    household = Household.objects.get(number=number)
    Household.objects.filter(pk=household.pk).update(notes=_("网上申请时由申请人填报登记，待乡镇受理时核实。"))
    applicant = Person.objects.get(id_number_hash=hashes[0])
    return household, applicant, note


@transaction.atomic
def online_application_submit(
    *,
    program: str,
    declared: DeclaredHousehold,
    reason: str,
    documents: list[tuple[str, UploadedFile]],
    max_bytes: int,
    linshi_kind: str = "",
    on: dt.date | None = None,
) -> Submitted:
    """网上申请: register (or find) the household, then submit the case; all or nothing."""
    if not declared.members:
        raise ValidationError({"members": _("请至少填写申请人本人")})
    seen = {m.id.number for m in declared.members}
    if len(seen) != len(declared.members):
        raise ValidationError({"members": _("同一身份证号填写了两次")})
    household, applicant, note = _register(declared)
    text = "\n".join(t for t in (reason.strip(), _declared_summary(declared), note) if t)
    case, code = case_submit_online(
        household=household,
        applicant=applicant,
        program=program,
        reason=text,
        documents=documents,
        max_bytes=max_bytes,
        linshi_kind=linshi_kind,
        on=on or timezone.localdate(),
    )
    return Submitted(case.number, code)
