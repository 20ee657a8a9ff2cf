"""The registry and case snapshots as the engine's input, through the one schema of policy.rules.frames.

- `registry_frames`: households and persons read in bulk (one query per table) as typed frames.
- `household_record` / `person_record`: one household as the schema's JSON record — what a case keeps as
  its snapshot ("the family when applying"), with the few display fields the forms print beside it.
- `snapshot_frames`: a snapshot back as typed frames.
All of them then go through `frames.engine_frames`, the one translation into engine columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q, QuerySet

from jiuzhu.core.bulk import read_frame
from jiuzhu.core.money import FenOf, yuan_to_fen
from jiuzhu.policy.rules.frames import (
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_KEYS,
    PERSON_FIELDS,
    PERSON_KEYS,
    REQUIRED,
    Field,
    Kind,
    engine_frames,
    typed_schema,
)
from jiuzhu.registry.models import Household, Person

# Read beside the schema's fields for display (the impact page's list, the approval form): not engine input.
HOUSEHOLD_DISPLAY = ("number", "head_name")
PERSON_DISPLAY = ("relation", "sex", "id_masked", "employment")

_YUAN = pl.Decimal(12, 2)  # the database's money_field


def _raw_schema(fields: tuple[Field, ...], keys: dict[str, Any], display: tuple[str, ...]) -> dict[str, Any]:
    raw = {f.name: (_YUAN if f.kind is Kind.MONEY else f.engine_dtype) for f in fields}
    return {**keys, **dict.fromkeys(display, pl.String), **raw}


HOUSEHOLD_RAW = _raw_schema(HOUSEHOLD_FIELDS, HOUSEHOLD_KEYS, HOUSEHOLD_DISPLAY)
PERSON_RAW = _raw_schema(PERSON_FIELDS, PERSON_KEYS, PERSON_DISPLAY)


def _typed(raw: pl.DataFrame, fields: tuple[Field, ...]) -> pl.DataFrame:
    # Decimal with two places times 100 is exact: no float on the way to integer fen.
    return raw.with_columns((pl.col(f.name) * 100).cast(pl.Int64) for f in fields if f.kind is Kind.MONEY)


def _yuan_from_fen(fen: pl.Expr) -> pl.Expr:
    """Integer fen as Decimal(12, 2) yuan, exactly (through the text "-12.34")."""
    cents = fen.abs()
    sign = pl.when(fen < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = sign + (cents // 100).cast(pl.String) + "." + (cents % 100).cast(pl.String).str.zfill(2)
    return text.str.to_decimal(scale=2).cast(_YUAN)


def _in_fen(qs: QuerySet[Any], schema: dict[str, Any]) -> tuple[QuerySet[Any], dict[str, Any]]:
    """values_list of `schema`'s columns with money computed as fen by the database, as the ORM's Decimal
    would give it (two decimals, so the hundredfold rounds exactly); and the schema of what it reads."""
    money = [k for k, t in schema.items() if t == _YUAN]
    fen = {f"{k}_fen100": FenOf(k) for k in money}
    names = [f"{k}_fen100" if k in money else k for k in schema]
    stored = {k: pl.Int64 if k in money else t for k, t in schema.items()}
    return qs.annotate(**fen).values_list(*names), stored


def _read(qs: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """values_list of `schema`'s columns read from the cursor (core.bulk.read_frame: a county is a million
    households and two or three million persons), money read as fen and turned back into yuan."""
    query, stored = _in_fen(qs, schema)
    frame = read_frame(query, stored)
    return frame.with_columns(_yuan_from_fen(pl.col(k)).alias(k) for k, t in schema.items() if t == _YUAN)


# The typed frames' columns as the registry is read (keys, display fields, fields; money in fen).
HOUSEHOLD_TYPED = {k: pl.Int64 if t == _YUAN else t for k, t in HOUSEHOLD_RAW.items()}
PERSON_TYPED = {k: pl.Int64 if t == _YUAN else t for k, t in PERSON_RAW.items()}
Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def registry_typed(where: Q, *, person_where: Q | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What registry_raw reads, as typed frames (money in fen, columns HOUSEHOLD_TYPED and PERSON_TYPED)."""
    households = Household.objects.filter(where).order_by()
    persons = Person.objects.filter(where if person_where is None else person_where).order_by()
    return _in_order(read_frame(*_in_fen(households, HOUSEHOLD_RAW)), read_frame(*_in_fen(persons, PERSON_RAW)))


def _in_order(households: pl.DataFrame, persons: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The households by id, the persons by (household, id): the order the engine recognises. Sorted here,
    not by the database: PostgreSQL would walk the persons' household index and sort each household's rows
    (an incremental sort, 4 s of a county's 10 s read), where Polars sorts the frame in a fraction of that."""
    return households.sort("id"), persons.sort("household_id", "id")


# An id no household has, compiled into the one-household queries once; each call puts its id in its place.
_SENTINEL = -7_340_042_977


@cache
def _one_household_sql(alias: str) -> tuple[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...]]]:
    households = Household.objects.using(alias).filter(pk=_SENTINEL)
    persons = Person.objects.using(alias).filter(household_id=_SENTINEL).order_by("id")
    h, _ = _in_fen(households, HOUSEHOLD_RAW)
    p, _ = _in_fen(persons, PERSON_RAW)
    return h.query.sql_with_params(), p.query.sql_with_params()


def household_rows(household_id: int) -> Rows:
    """One household's row and its members' rows (by id), as registry_typed reads them, in two queries
    compiled once per process: the household page asks on every visit, and compiling the money expressions
    cost more than running them."""
    out: list[list[tuple[Any, ...]]] = []
    with connection.cursor() as cur:
        for sql, params in _one_household_sql(connection.alias):
            cur.execute(sql, [household_id if type(v) is int and v == _SENTINEL else v for v in params])
            out.append(cur.fetchall())
    return out[0], out[1]


def typed_frames(typed: tuple[pl.DataFrame, pl.DataFrame], date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """registry_typed's frames as the engine's frames on `date`."""
    return engine_frames(typed[0], typed[1], date)


def rows_frames(rows: Rows, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of household_rows (or registry_typed's rows) as the engine's frames on `date`."""
    households = pl.DataFrame(rows[0], schema=HOUSEHOLD_TYPED, orient="row")
    persons = pl.DataFrame(rows[1], schema=PERSON_TYPED, orient="row")
    return engine_frames(households, persons, date)


# Without display: what a run that explains nothing reads (a person's name only labels the explanation).
HOUSEHOLD_BARE = {k: t for k, t in HOUSEHOLD_RAW.items() if k not in HOUSEHOLD_DISPLAY}
PERSON_BARE = {k: t for k, t in PERSON_RAW.items() if k not in (*PERSON_DISPLAY, "name")}


def registry_raw(where: Q, *, person_where: Q | None = None, display: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The households matching `where` and the persons matching `person_where` (default: the same filter),
    with their display fields (unless `display` is False: then the persons' names too are left out, a
    third less to read at a million households), money still in yuan. Sorted by id and by (household,
    id): the engine recognises that order and lays persons out in one pass."""
    households = Household.objects.filter(where).order_by()
    persons = Person.objects.filter(where if person_where is None else person_where).order_by()
    if not display:
        return _in_order(_read(households, HOUSEHOLD_BARE), _read(persons, PERSON_BARE))
    return _in_order(_read(households, HOUSEHOLD_RAW), _read(persons, PERSON_RAW))


def registry_frames(raw: tuple[pl.DataFrame, pl.DataFrame], date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Raw registry frames (registry_raw) as the engine's frames on `date`."""
    households, persons = raw
    if "name" not in persons.columns:  # read without display: no labels
        persons = persons.with_columns(name=pl.lit(None, dtype=pl.String))
    return engine_frames(_typed(households, HOUSEHOLD_FIELDS), _typed(persons, PERSON_FIELDS), date)


def household_frames(*, household: Household, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One household and its members as the engine's frames."""
    return rows_frames(household_rows(household.pk), date)


# ───────────────────────────── records (snapshots) ─────────────────────────────


def _encode(field: Field, value: object) -> object:
    if value is None:
        return None
    if field.kind is Kind.MONEY:
        return str(value)  # yuan with its two decimals, as the database holds it
    if field.kind is Kind.DATE:
        return value.isoformat()  # type: ignore[attr-defined]
    return value


def household_record(household: Household) -> dict[str, Any]:
    """The household as the schema's JSON record, with its id and display fields."""
    return {
        "id": household.pk,
        **{name: getattr(household, name) for name in HOUSEHOLD_DISPLAY},
        **{f.name: _encode(f, getattr(household, f.name)) for f in HOUSEHOLD_FIELDS},
    }


def person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        **{name: getattr(person, name) for name in PERSON_DISPLAY},
        **{f.name: _encode(f, getattr(person, f.name)) for f in PERSON_FIELDS},
    }


def _typed_value(field: Field, record: dict[str, Any]) -> object:
    if field.name not in record:  # a snapshot taken before the field existed: its default
        return None if field.default is REQUIRED else field.default
    value = record[field.name]
    if value is None or (value == "" and field.kind is Kind.DATE):
        return None
    if field.kind is Kind.MONEY:
        return yuan_to_fen(Decimal(str(value)))
    if field.kind is Kind.DATE:
        return dt.date.fromisoformat(str(value))
    return value


def records_frame(records: Iterable[dict[str, Any]], fields: tuple[Field, ...], keys: dict[str, Any]) -> pl.DataFrame:
    """Records of the schema (JSON form: money in yuan, dates ISO) with their keys, as a typed frame."""
    rows = [{**{k: r[k] for k in keys}, **{f.name: _typed_value(f, r) for f in fields}} for r in records]
    return pl.DataFrame(rows, schema=typed_schema(fields, keys))


def snapshot_frames(snapshot: dict[str, Any], date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A case's snapshot (household_record and person_record of each member) as the engine's frames."""
    hh = snapshot["household"]
    households = records_frame([hh], HOUSEHOLD_FIELDS, HOUSEHOLD_KEYS)
    members = [{**m, "household_id": hh["id"]} for m in snapshot["members"]]
    persons = records_frame(members, PERSON_FIELDS, PERSON_KEYS)
    return engine_frames(households, persons, date)
