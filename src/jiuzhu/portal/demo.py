"""Demo online applications (网上申请): a few families of the generated county who applied from a phone in the
last days, waiting on their township's to-do list to be accepted. Written through the portal's own service, so
each has its uploaded photo and its query code (the codes are not kept: the demo shows the township's side; a
visitor can apply on /public/apply/ and follow that application)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.cases.workflow import OPEN
from jiuzhu.core import pii
from jiuzhu.core.idcard import parse_id_number
from jiuzhu.portal.conf import upload_max_bytes
from jiuzhu.portal.services import DeclaredHousehold, DeclaredMember, online_application_submit
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household

REASONS = (
    ("dibao_rural", "丈夫去年病故，一人抚养孩子，打零工收入不稳定。"),
    ("dibao_urban", "下岗多年，身患慢性病，无固定收入。"),
    ("linshi", "家中突发火灾，房屋和生活用品受损，急需救助。"),
    ("dibao_rural", "老两口年迈多病，子女在外务工无力赡养。"),
    ("linshi", "家人突发重病住院，自付医疗费用多，生活困难。"),
)
# The smallest valid PNG: what a phone photo of a household register stands for in the demo.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _declared(household: Household) -> DeclaredHousehold:
    """The household as its family would type it: the registry's own members, head first."""
    members = sorted(household.members.filter(date_of_death__isnull=True), key=lambda p: (p.relation != "self", p.pk))
    return DeclaredHousehold(
        village=household.region,
        area=household.area,
        address="",
        phone=f"139{household.pk % 10**8:08d}",
        deposits=household.deposits,
        vehicles=household.vehicles,
        homes=household.homes,
        business=household.business,
        members=[
            DeclaredMember(p.name, parse_id_number(pii.decrypt(p.id_number_enc)), p.relation,
                           {"labor": p.labor, "income_wage": p.income_wage, "income_other": p.income_other})
            for p in members
        ],
    )  # fmt: skip


def portal_seed(*, county: Region, today: dt.date, rng_seed: int, count: int = len(REASONS)) -> int:
    """`count` online applications submitted over the last few days by registered families with no case open;
    returns how many were made. (An applicant not yet registered is registered by the same service: the tests
    show that path; the demo keeps its county's household count.)"""
    rng = random.Random(rng_seed + 14)
    idle = list(
        Household.objects.filter(region_code__startswith=county.prefix)
        .exclude(cases__status__in=OPEN)
        .exclude(entitlements__isnull=False)
        .select_related("region")
        .order_by("id")[:400]
    )
    made = 0
    for i, household in enumerate(rng.sample(idle, min(count, len(idle)))):
        program, reason = REASONS[i % len(REASONS)]
        if program.startswith("dibao_"):
            program = "dibao_urban" if household.area == "urban" else "dibao_rural"
        declared = _declared(household)
        if not declared.members:
            continue
        online_application_submit(
            program=program,
            declared=declared,
            reason=reason,
            documents=[("id_cards", SimpleUploadedFile("户口簿.png", PNG))],
            max_bytes=upload_max_bytes(),
            linshi_kind=("emergency" if "火灾" in reason else "expense") if program == "linshi" else "",
            on=today - dt.timedelta(days=i % 3),
        )
        made += 1
    return made
