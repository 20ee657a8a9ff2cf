"""What the rules read, in bulk and once per run: the registry within the run's scope, the entitlements and
who they cover, the payroll lines after a date, and the latest external data set of each kind linked to
the registry's persons. Rules are functions over these frames; nothing here loops over ORM objects."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from jiuzhu.core import pii
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.money import FenOf
from jiuzhu.core.scope import prefix_q
from jiuzhu.matching.models import DataSet
from jiuzhu.matching.services.datasets import latest_frames
from jiuzhu.payments.models import (
    Entitlement,
    EntitlementEvent,
    EventKind,
    LineKind,
    LineStatus,
    PayrollLine,
)
from jiuzhu.payments.selectors import covered_rows
from jiuzhu.registry.models import Household, Person

PERSON_SCHEMA: dict[str, Any] = {
    "person_id": pl.Int64,
    "household_id": pl.Int64,
    "region_code": pl.String,
    "name": pl.String,
    "id_hash": pl.String,
    "id_enc": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "date_of_death": pl.Date,
    "disability_grade": pl.Int64,
    "supporter": pl.String,
    "excluded": pl.Boolean,
    "prefers_dibao": pl.Boolean,
}
HOUSEHOLD_SCHEMA: dict[str, Any] = {
    "household_id": pl.Int64,
    "number": pl.String,
    "region_code": pl.String,
    "address": pl.String,
}
ENTITLEMENT_SCHEMA: dict[str, Any] = {
    "entitlement_id": pl.Int64,
    "household_id": pl.Int64,
    "program": pl.String,
    "start_month": pl.Date,
    "end_month": pl.Date,
    "suspended_from": pl.Date,
    "gradual_exit": pl.Boolean,
    "amount_fen": pl.Int64,
}
log = logging.getLogger(__name__)

LINK_SCHEMA: dict[str, Any] = {
    "row": pl.Int64,
    "person_id": pl.Int64,
    "score": pl.Float64,
    "method": pl.String,
    "agreed": pl.List(pl.String),
}


def pays_in(month: pl.Expr | dt.date) -> pl.Expr:
    """An entitlement frame's rows that pay in `month` (as Entitlement.pays_in)."""
    m = month if isinstance(month, pl.Expr) else pl.lit(month)
    return (
        (pl.col("start_month") <= m)
        & (pl.col("end_month").is_null() | (pl.col("end_month") >= m))
        & (pl.col("suspended_from").is_null() | (pl.col("suspended_from") > m))
    )


@dataclass
class Context:
    today: dt.date
    prefix: str
    persons: pl.DataFrame
    households: pl.DataFrame
    entitlements: pl.DataFrame
    covered: pl.DataFrame  # entitlement_id, person_id
    datasets: dict[str, tuple[DataSet, pl.DataFrame]]
    _links: dict[str, pl.DataFrame] = field(default_factory=dict)
    _ids: pl.DataFrame | None = None

    @property
    def month(self) -> dt.date:
        return self.today.replace(day=1)

    def paying(self) -> pl.DataFrame:
        """Entitlements paying this month."""
        return self.entitlements.filter(pays_in(self.month))

    def coverage(self, programs: frozenset[str] | None = None) -> pl.DataFrame:
        """person_id, entitlement_id, program, household_id of the entitlements paying this month."""
        ents = self.paying()
        if programs is not None:
            ents = ents.filter(pl.col("program").is_in(list(programs)))
        return self.covered.join(ents, on="entitlement_id").select(
            "person_id", "entitlement_id", "program", "household_id", "amount_fen"
        )

    def dataset(self, kind: str) -> tuple[DataSet, pl.DataFrame] | None:
        return self.datasets.get(kind)

    def id_numbers(self) -> pl.DataFrame:
        """person_id and the full ID number, decrypted in one pass (the invalid-number rule and fuzzy linkage)."""
        if self._ids is None:
            numbers = pii.decrypt_many(self.persons["id_enc"].to_list())
            self._ids = self.persons.select("person_id").with_columns(pl.Series("id_number", numbers, pl.String))
        return self._ids

    def links(self, kind: str) -> pl.DataFrame:
        """The data set's rows linked to registry persons: row, person_id, score, method, agreed fields."""
        if kind not in self._links:
            found = self.dataset(kind)
            self._links[kind] = pl.DataFrame(schema=LINK_SCHEMA) if found is None else link_rows(self, found[1])
        return self._links[kind]

    def linked(self, kind: str) -> pl.DataFrame:
        """The data set's rows joined to their linked person (person columns prefixed p_)."""
        found = self.dataset(kind)
        if found is None:
            return pl.DataFrame()
        people = self.persons.select(
            "person_id", "household_id", pl.col("name").alias("p_name"), "date_of_death", "disability_grade"
        )
        return found[1].join(self.links(kind), on="row").join(people, on="person_id")


def _agreed() -> pl.Expr:
    parts = [
        pl.when(pl.col("id_match")).then(pl.lit("id_number")),
        pl.when(pl.col("name") == pl.col("p_name")).then(pl.lit("name")),
        pl.when(pl.col("birth_date") == pl.col("p_birth")).then(pl.lit("birth_date")),
        pl.when(pl.col("gender") == pl.col("p_sex")).then(pl.lit("gender")),
    ]
    return pl.concat_list(parts).list.drop_nulls()


def link_rows(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Exact on the normalised ID number through the registry's keyed hash (no number is decrypted); rows
    without a valid number by fuzzy linkage (jiuzhu.matching.linkage) where available, else on name, birth
    date and sex all agreeing."""
    base = rows.select("row", "name", "birth_date", "gender", "id_norm", "id_number", "address")
    numbers = [v or "" for v in rows["id_norm"].to_list()]
    # One copy of the rows per key of the ring (usually one): during a key rotation a person may still carry
    # the old key's hash, and a person's hash is under one key only, so no row links twice.
    copies = [
        base.with_columns(pl.Series("id_hash", [h or None for h in column], pl.String))
        for column in pii.lookup_hash_columns(numbers)
    ]
    ext = pl.concat(copies)
    people = ctx.persons.select(
        "person_id", "id_hash", pl.col("name").alias("p_name"), pl.col("birth_date").alias("p_birth"),
        pl.col("sex").alias("p_sex"),
    )  # fmt: skip
    exact = ext.filter(pl.col("id_hash").is_not_null()).join(people, on="id_hash").with_columns(id_match=pl.lit(True))
    exact = exact.select(
        "row", "person_id", pl.lit(1.0).alias("score"), pl.lit("exact").alias("method"), _agreed().alias("agreed")
    )
    rest = copies[0].filter(pl.col("id_norm").is_null())
    fuzzy = fuzzy_link(ctx, rest, people)
    return pl.concat([exact, fuzzy]).cast(LINK_SCHEMA)  # type: ignore[arg-type]


def _splink_pairs(ctx: Context, rest: pl.DataFrame) -> pl.DataFrame:
    """The linkage API's fuzzy stage (Splink) for rows without a valid ID number, against the registry:
    row, person_id, score, method "fuzzy"."""
    from jiuzhu.matching.linkage import LinkSettings, link, prepare

    settings = LinkSettings.from_settings()
    if not settings.fuzzy:
        return pl.DataFrame(schema={"row": pl.Int64, "person_id": pl.Int64, "score": pl.Float64, "method": pl.String})
    sex = {"M": "男", "F": "女"}
    left = rest.select(
        pl.col("row").cast(pl.String).alias("id"),
        "name",
        pl.col("id_number").fill_null(""),
        pl.col("gender").replace_strict(sex, default=None, return_dtype=pl.String),
        pl.col("birth_date").cast(pl.String),
        pl.col("address").fill_null(""),
    )
    addresses = ctx.households.select("household_id", "address")
    right = (
        ctx.persons.select("person_id", "household_id", "name", "sex", "birth_date")
        .join(ctx.id_numbers(), on="person_id")
        .join(addresses, on="household_id", how="left")
        .select(
            pl.col("person_id").cast(pl.String).alias("id"),
            "name",
            "id_number",
            pl.col("sex").replace_strict(sex, default=None, return_dtype=pl.String).alias("gender"),
            pl.col("birth_date").cast(pl.String),
            pl.col("address").fill_null(""),
        )
    )
    from splink.internals.exceptions import SplinkException

    try:
        pairs = link(prepare(left), prepare(right), settings=settings)
    except SplinkException:
        # Splink refuses some inputs (a handful of rows: its prior becomes infinite); the name–birth-date link
        # below still serves those rows, and the failure is logged for the linkage's owners.
        log.warning("fuzzy linkage failed for %d rows; falling back to name and birth date", left.height, exc_info=True)
        return pl.DataFrame(schema={"row": pl.Int64, "person_id": pl.Int64, "score": pl.Float64, "method": pl.String})
    return pairs.filter(pl.col("method") != "id_exact").select(
        pl.col("left_id").cast(pl.Int64).alias("row"),
        pl.col("right_id").cast(pl.Int64).alias("person_id"),
        pl.col("score").cast(pl.Float64),
        pl.col("method").cast(pl.String),
    )


def fuzzy_link(ctx: Context, rest: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Rows whose ID number is missing or invalid: the linkage API's fuzzy pairs, and for the rows it left
    a link where name, birth date and (if given) sex agree with exactly one registry person."""
    if rest.height == 0:
        return pl.DataFrame(schema=LINK_SCHEMA)
    fields = ["name", "birth_date", "gender"]
    splink = _splink_pairs(ctx, rest).join(rest, on="row").join(people, on="person_id")
    pairs = zip(fields, ["p_name", "p_birth", "p_sex"], strict=True)
    agreed = pl.concat_list(*(pl.when(pl.col(f) == pl.col(p)).then(pl.lit(f)) for f, p in pairs))
    from_splink = splink.select("row", "person_id", "score", "method", agreed.list.drop_nulls().alias("agreed"))
    left = rest.join(from_splink.select("row"), on="row", how="anti")
    candidates = left.filter(pl.col("birth_date").is_not_null()).join(
        people, left_on=["name", "birth_date"], right_on=["p_name", "p_birth"]
    )
    candidates = candidates.filter(pl.col("gender").is_null() | (pl.col("gender") == pl.col("p_sex")))
    # A name and birth date shared by two registry persons links to neither.
    unique = candidates.filter(pl.len().over("row") == 1)
    fallback = unique.select(
        "row",
        "person_id",
        pl.lit(0.9).alias("score"),
        pl.lit("name_birth").alias("method"),
        pl.concat_list(
            pl.lit("name"), pl.lit("birth_date"), pl.when(pl.col("gender").is_not_null()).then(pl.lit("gender"))
        )
        .list.drop_nulls()
        .alias("agreed"),
    )
    return pl.concat([from_splink.cast(LINK_SCHEMA), fallback.cast(LINK_SCHEMA)])  # type: ignore[arg-type]


def _fen(field_name: str) -> Any:
    return FenOf(field_name)


def load_context(*, prefix: str, today: dt.date, kinds: list[str] | None = None) -> Context:
    where = prefix_q(prefix)
    persons = read_frame(
        Person.objects.filter(where)
        .order_by("id")
        .values_list(
            "id",
            "household_id",
            "region_code",
            "name",
            "id_number_hash",
            "id_number_enc",
            "birth_date",
            "sex",
            "date_of_death",
            "disability_grade",
            "supporter",
            "excluded",
            "prefers_dibao",
        ),
        PERSON_SCHEMA,
    )
    households = read_frame(
        Household.objects.filter(where).order_by("id").values_list("id", "number", "region_code", "address"),
        HOUSEHOLD_SCHEMA,
    )
    ents = Entitlement.objects.filter(where)
    entitlements = read_frame(
        ents.annotate(fen=_fen("monthly_amount")).values_list(
            "id", "household_id", "program", "start_month", "end_month", "suspended_from", "gradual_exit", "fen"
        ),
        ENTITLEMENT_SCHEMA,
    )
    covered = read_frame(covered_rows(ents, "id"), {"person_id": pl.Int64, "entitlement_id": pl.Int64}).select(
        "entitlement_id", "person_id"
    )
    return Context(
        today=today,
        prefix=prefix,
        persons=persons,
        households=households,
        entitlements=entitlements,
        covered=covered,
        datasets=latest_frames(kinds),
    )


def paid_lines_after(ctx: Context, entitlement_ids: list[int]) -> pl.DataFrame:
    """entitlement_id, service_month, amount_fen of the regular lines (not returned by the bank) of these
    entitlements: what was paid, to compare with when it should have stopped."""
    qs = PayrollLine.objects.filter(entitlement_id__in=entitlement_ids, kind=LineKind.REGULAR).exclude(
        status=LineStatus.FAILED
    )
    del ctx
    return read_frame(
        qs.values_list("entitlement_id", "service_month", "amount_fen"),
        {"entitlement_id": pl.Int64, "service_month": pl.Date, "amount_fen": pl.Int64},
    )


def gradual_exit_starts(entitlement_ids: list[int]) -> pl.DataFrame:
    """entitlement_id and the first month of its 渐退期 (the event's effective month)."""
    return read_frame(
        EntitlementEvent.objects.filter(entitlement_id__in=entitlement_ids, kind=EventKind.GRADUAL_EXIT).values_list(
            "entitlement_id", "effective_month"
        ),
        {"entitlement_id": pl.Int64, "exit_from": pl.Date},
    )
