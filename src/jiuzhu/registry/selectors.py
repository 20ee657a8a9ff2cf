"""Reads of the registry, always limited to the user's region subtree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.core import pii
from jiuzhu.core.idcard import normalize, upgrade_15
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.pagination import PreparedRows
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import code_range, prefix_q, scope_q
from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.names import looks_like_initials


def households_visible(*, user: User) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user))


def persons_visible(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(scope_q(user))


# The household page's reads, compiled once per process (core.prepared): it is the page most asked for.
_household_in = prepared(
    lambda pk, low, high: Household.objects.filter(pk=pk, region_code__range=(low, high)).select_related(
        "region", "region__parent"
    )
)
_members = prepared(lambda household_id: Person.objects.filter(household_id=household_id).order_by("id"))


def household_get(*, user: User, pk: int) -> Household:
    """The household, or 404 when it does not exist or lies outside the user's region."""
    prefix = getattr(user, "scope_prefix", None)
    try:
        found = _household_in(int(pk), *code_range(prefix)) if prefix else []
    except (TypeError, ValueError):
        found = []
    if not found:
        raise Http404("No Household matches the given query.")
    return found[0]


def person_get(*, user: User, pk: int) -> Person:
    return get_object_or_404(persons_visible(user=user).select_related("household"), pk=pk)


def household_members(*, household: Household) -> list[Person]:
    return _members(household.pk)


def household_history(
    *, household: Household, limit: int = 100, members: list[Person] | None = None
) -> list[AuditEntry]:
    """The audit entries of the household and its members, newest first; `members`: the members already read."""
    ids = [p.pk for p in members] if members is not None else household.members.values_list("pk", flat=True)
    member_ids = [str(pk) for pk in ids]
    if limit == 100 and member_ids:  # the household page's: compiled once per process and number of members
        return _history(str(household.pk), *member_ids)
    return list(
        AuditEntry.objects.filter(
            Q(object_type="household", object_id=str(household.pk)) | Q(object_type="person", object_id__in=member_ids)
        ).order_by("-seq")[:limit]
    )


_history = prepared(
    lambda household_id, *member_ids: AuditEntry.objects.filter(
        Q(object_type="household", object_id=household_id) | Q(object_type="person", object_id__in=member_ids)
    ).order_by("-seq")[:100]
)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    region: str = ""  # a region-code prefix: a township (9 digits) or a village (12)


def _search_kind(text: str) -> str:
    compact = normalize(text)
    if len(compact) in (15, 18) and compact[:17].isdigit():
        return "id_number"
    if compact.isdigit() and len(compact) >= 12:
        return "household_number"
    if looks_like_initials(text):
        return "initials"
    return "name"


# The order of a search's matches: namesakes village by village (the region code's order), then by id. The index
# (name, region_code) gives the first two, so a page of a common name is its first index entries and the sort
# only orders a village's namesakes by id: ordered by name then id, every namesake in the scope was joined to its
# household before the sort (a province's 3 225 张文: 153 ms and 26 000 buffers, now 0.7 ms and 218). Initials
# order their matches the same way after the initials.
NAME_ORDER = ("name", "region_code", "id")
INITIALS_ORDER = ("name_initials", *NAME_ORDER)


def person_search(*, user: User, query: SearchQuery) -> QuerySet[Person]:
    """Persons matching a full ID number, a household number, pinyin initials ("zs") or full pinyin, or a
    name (or its beginning). Every branch is an index seek or range scan, then the scope filter."""
    qs = persons_visible(user=user).select_related("household", "household__region")
    if query.region:
        qs = qs.filter(prefix_q(query.region))
    text = query.text.strip()
    if not text:
        return qs.none() if not query.region else qs.order_by("household__number", "id")
    kind = _search_kind(text)
    if kind == "id_number":
        number = normalize(text)
        if len(number) == 15:
            number = upgrade_15(number)
        return qs.filter(id_number_hash__in=pii.lookup_hashes(number))
    if kind == "household_number":
        return qs.filter(household__number__range=(text.ljust(17, "0"), text.ljust(17, "9"))).order_by(
            "household__number", "id"
        )
    if kind == "initials":
        key = text.lower()
        # Initials first ("zs"), full pinyin ("zhangsan") when the text is longer than a name's initials.
        by_initials = Q(name_initials__range=(key, key + "\x7f"))
        by_pinyin = Q(name_pinyin__range=(key, key + "\x7f")) if len(key) > 3 else Q(pk__in=[])
        return qs.filter(by_initials | by_pinyin).order_by(*INITIALS_ORDER)
    return qs.filter(name__range=(text, text + "\uffff")).order_by(*NAME_ORDER)


# The columns a search page shows: a person is forty columns, most of them money to convert.
SEARCH_COLUMNS = (
    "name",
    "date_of_death",
    "id_masked",
    "sex",
    "birth_date",
    "relation",
    "household__number",
    "household__head_name",
    "household__region__name",
)


@cache
def _search_query(kind: str, in_region: bool, pinyin: bool) -> prepared[..., Person]:
    """person_search's query of one shape, compiled once per process (core.prepared): the scope's range, the
    region's range when one is asked, then the kind's values (ranges, or the ID number's hashes)."""

    def build(low: str, high: str, *values: str) -> QuerySet[Person]:
        qs = Person.objects.filter(region_code__range=(low, high))
        if in_region:
            qs, values = qs.filter(region_code__range=values[:2]), values[2:]
        qs = qs.select_related("household", "household__region").only(*SEARCH_COLUMNS)
        if kind == "region":
            return qs.order_by("household__number", "id")
        if kind == "id_number":
            return qs.filter(id_number_hash__in=values)
        if kind == "household_number":
            return qs.filter(household__number__range=values).order_by("household__number", "id")
        if kind == "initials":
            where = Q(name_initials__range=values[:2])
            if pinyin:
                where |= Q(name_pinyin__range=values[2:])
            return qs.filter(where).order_by(*INITIALS_ORDER)
        return qs.filter(name__range=values).order_by(*NAME_ORDER)

    return prepared(build)


def person_search_rows(*, user: User, query: SearchQuery, per_page: int) -> PreparedRows | None:
    """What person_search finds, with the search page's columns, as prepared rows for CappedPaginator; None
    when there is nothing to search (no text, no region) or no scope: person_search answers those."""
    prefix = getattr(user, "scope_prefix", None)
    text = query.text.strip()
    if (not text and not query.region) or not prefix:
        return None
    args = [*code_range(prefix)]
    if query.region:
        args += code_range(query.region)
    if not text:
        return PreparedRows(_search_query("region", bool(query.region), False), *args, per_page=per_page)
    kind, pinyin = _search_kind(text), False
    if kind == "id_number":
        number = normalize(text)
        if len(number) == 15:
            number = upgrade_15(number)
        args += pii.lookup_hashes(number)
    elif kind == "household_number":
        args += [text.ljust(17, "0"), text.ljust(17, "9")]
    elif kind == "initials":
        key = text.lower()
        pinyin = len(key) > 3  # full pinyin ("zhangsan") when the text is longer than a name's initials
        args += [key, key + "\x7f"] * (2 if pinyin else 1)
    else:
        args += [text, text + "\uffff"]
    return PreparedRows(_search_query(kind, bool(query.region), pinyin), *args, per_page=per_page)


def registry_counts(*, user: User) -> dict[str, int]:
    hh = households_visible(user=user)
    persons = persons_visible(user=user)
    return {
        "households": hh.count(),
        "persons": persons.count(),
        "disabled": persons.exclude(disability_kind="").count(),
        "deceased": persons.filter(date_of_death__isnull=False).count(),
    }


def household_counts_by_child_region(*, user: User) -> list[dict[str, object]]:
    """Households and persons per township (for a county user) or per village (for a township user)."""
    from jiuzhu.regions.selectors import child_regions

    regions = list(child_regions(user=user))
    counts: dict[str, int] = {}
    # One grouped count per prefix width (all children share one level), not one query per child region.
    for width in sorted({len(r.prefix) for r in regions}):
        key = F("region_code") if width == 12 else Substr("region_code", 1, width)
        grouped = households_visible(user=user).order_by().annotate(p=key).values("p").annotate(h=Count("id"))
        counts.update((row["p"], row["h"]) for row in grouped)
    return [{"region": region, "households": counts.get(region.prefix, 0)} for region in regions]


# SQLite accepts up to 32 766 bound variables since 3.32, older builds 999: stay under the smallest.
_SQLITE_IN = 900
# PostgreSQL takes the hashes as one array parameter (one index probe each): a chunk is a statement.
_PG_ARRAY = 50_000


def persons_by_id_hashes(*, hashes: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """(lookup hash, household number, household region code) of every registered person whose ID number
    hash is among `hashes`, wherever they live: not scoped, since an ID number may be registered only once
    in the whole database (an import's duplicate check; the caller decides what the user may be told).

    On PostgreSQL the hashes of a chunk go as one text parameter, split into an array by the server
    (`= ANY(string_to_array(%s, ','))`: lookup hashes are hex): a Django `__in` list of 20 000 placeholders
    cost more CPU in Django's and psycopg's per-value handling than the query itself (about 12 s of a
    million-person import), and psycopg's array of text still quotes each value with a regex (4 s)."""
    if connection.vendor != "postgresql":
        for start in range(0, len(hashes), _SQLITE_IN):
            yield from Person.objects.filter(id_number_hash__in=hashes[start : start + _SQLITE_IN]).values_list(
                "id_number_hash", "household__number", "household__region_code"
            )
        return
    qn = connection.ops.quote_name
    person, household = Person._meta, Household._meta
    sql = (
        f"SELECT p.{qn('id_number_hash')}, h.{qn('number')}, h.{qn('region_code')} "
        f"FROM {qn(person.db_table)} p JOIN {qn(household.db_table)} h "
        f"ON h.{qn('id')} = p.{qn(person.get_field('household').column)} "
        f"WHERE p.{qn('id_number_hash')} = ANY(string_to_array(%s, ','))"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(hashes), _PG_ARRAY):
            chunk = hashes[start : start + _PG_ARRAY]
            joined = ",".join(chunk)
            if joined.count(",") != len(chunk) - 1:
                raise ValueError("a lookup hash holds a comma")
            cursor.execute(sql, [joined])
            yield from cursor.fetchall()


_VILLAGES = 1_000  # villages per statement of households_last_serial


def households_last_serial(*, villages: Sequence[str]) -> dict[str, int]:
    """The highest serial (the last 5 digits of the 户编号) used in each of `villages` (12-digit codes), for the
    villages that have one. Each village is one step backwards down the number's unique index (its numbers
    lie between code + 00000 and code + 99999, digits only), not a read of every household of the villages: a
    province's roster names thousands of villages, and grouping their 3.4 million households took 7 s."""
    qn = connection.ops.quote_name
    table, number = qn(Household._meta.db_table), qn("number")
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(villages), _VILLAGES):
            chunk = list(villages[start : start + _VILLAGES])
            cursor.execute(
                f"WITH v(code) AS (VALUES {', '.join(['(%s)'] * len(chunk))}) "
                f"SELECT v.code, (SELECT h.{number} FROM {table} h WHERE h.{number} BETWEEN v.code || '00000' "
                f"AND v.code || '99999' ORDER BY h.{number} DESC LIMIT 1) FROM v",
                chunk,
            )
            out.update((code, int(last[12:])) for code, last in cursor.fetchall() if last and last[12:].isdigit())
    return out
