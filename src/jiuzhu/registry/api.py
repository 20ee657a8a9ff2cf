from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jiuzhu.core.pagination import CappedPaginator
from jiuzhu.registry import selectors

router = Router(tags=["registry"])


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    sex: str
    birth_date: dt.date
    relation: str
    disability_kind: str
    disability_grade: int | None
    alive: bool
    household_id: int


class HouseholdOut(Schema):
    id: int
    number: str
    region_code: str
    area: str
    address: str
    head_name: str
    phone_masked: str
    members: list[PersonOut]


class PersonPage(Schema):
    count: int  # at most the cap + 1; `capped` says the true number is larger
    capped: bool
    page: int
    pages: int
    results: list[PersonOut]


@router.get("/persons", response=PersonPage, summary="Search persons (ID number, name, pinyin initials)")
def person_search(request: HttpRequest, q: str = "", region: str = "", page: int = 1) -> dict[str, object]:
    qs = selectors.person_search(user=request.user, query=selectors.SearchQuery(text=q, region=region))  # type: ignore[arg-type]
    paginator = CappedPaginator(qs, 50)
    p = paginator.get_page(page)
    return {
        "count": p.paginator.count,
        "capped": paginator.capped,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "results": list(p),
    }


@router.get("/households/{household_id}", response=HouseholdOut, summary="One household with its members")
def household_read(request: HttpRequest, household_id: int) -> object:
    household = selectors.household_get(user=request.user, pk=household_id)  # type: ignore[arg-type]
    return {
        "id": household.pk,
        "number": household.number,
        "region_code": household.region_code,
        "area": household.area,
        "address": household.address,
        "head_name": household.head_name,
        "phone_masked": household.phone_masked,
        "members": list(selectors.household_members(household=household)),
    }
