"""The monthly statistics snapshot: what the approved payrolls of a month paid, to whom, per region and
programme, read in bulk into Polars and written back in bulk. Rebuilding a month replaces it.

Definitions (the tests count the same way straight from the payroll lines):
- the lines counted are those of the month's payrolls once approved (approved, exported, reconciled) that the
  bank did not return as failed; money is summed by line kind whatever month a line covers (back pay of
  March paid in May is May's money);
- a household is covered by a programme in the month when it has a regular, one-off or insurance line of
  it (a household receiving only back pay or having money recovered is not counted again);
- its persons covered are the members its entitlements cover (a one-off programme: its living members);
- the registered population of a region is its living registered persons at the month's end.
Rows exist for every level from the village up (a household's figures are counted once per region that
contains it), and for programme "" (every programme: a household or person counted once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.core.bulk import bulk_insert, read_frame
from jiuzhu.payments.models import (
    Entitlement,
    EntitlementEvent,
    LineKind,
    LineStatus,
    PayrollLine,
    PayrollStatus,
    first_of_month,
    next_month,
)
from jiuzhu.payments.selectors import covered_rows
from jiuzhu.regions.models import PREFIX_LENGTH, Level
from jiuzhu.registry.models import Area, Household, Person
from jiuzhu.reports.models import ALL_PROGRAMS, Snapshot

Progress = Callable[[int, str], None]  # percent 0..100, stage

PAID_PAYROLLS = (PayrollStatus.APPROVED, PayrollStatus.EXPORTED, PayrollStatus.RECONCILED)
COVERING_KINDS = (LineKind.REGULAR, LineKind.ONE_OFF, LineKind.INSURANCE)
MONEY_COLUMNS = {
    LineKind.REGULAR: "regular_fen",
    LineKind.BACKPAY: "backpay_fen",
    LineKind.RECOVERY: "recovery_fen",
    LineKind.ONE_OFF: "one_off_fen",
    LineKind.INSURANCE: "insurance_fen",
}
PERSON_COLUMNS = ("male", "female", "age_child", "age_working", "age_elderly", "disabled", "urban", "rural")
COUNT_COLUMNS = ("households", "persons", *PERSON_COLUMNS, "new", "stopped", "adjusted", "population")
SUM_COLUMNS = (*COUNT_COLUMNS, *MONEY_COLUMNS.values(), "total_fen")
# (prefix length, length of the level above, level), from the village up.
_LENGTHS = sorted(PREFIX_LENGTH.items(), key=lambda item: item[1])
_LEVELS = [(length, _LENGTHS[i - 1][1] if i else 0, level) for i, (level, length) in enumerate(_LENGTHS)][::-1]


def paid_lines_q(month: dt.date) -> Q:
    """The payroll lines a month's snapshot counts (see the module's definitions)."""
    return Q(payroll__month=first_of_month(month), payroll__status__in=PAID_PAYROLLS) & ~Q(status=LineStatus.FAILED)


def _lines(month: dt.date) -> pl.DataFrame:
    qs = PayrollLine.objects.filter(paid_lines_q(month)).values_list(
        "household_id", "entitlement_id", "region_code", "program", "kind", "amount_fen"
    )
    schema = {
        "household_id": pl.Int64,
        "entitlement_id": pl.Int64,
        "region_code": pl.String,
        "program": pl.String,
        "kind": pl.String,
        "amount_fen": pl.Int64,
    }
    return read_frame(qs, schema)


def _covered_persons(month: dt.date, lines: pl.DataFrame) -> pl.DataFrame:
    """(household_id, program, person_id) of every person covered in the month."""
    covering = lines.filter(pl.col("kind").is_in([k.value for k in COVERING_KINDS]))
    regular = PayrollLine.objects.filter(paid_lines_q(month), kind=LineKind.REGULAR).values("entitlement_id")
    links = read_frame(
        covered_rows(Entitlement.objects.filter(pk__in=regular), "id"),
        {"person_id": pl.Int64, "entitlement_id": pl.Int64},
    )
    by_entitlement = (
        covering.filter(pl.col("entitlement_id").is_not_null())
        .select("household_id", "program", "entitlement_id")
        .unique()
        .join(links, on="entitlement_id")
        .select("household_id", "program", "person_id")
    )
    # Lines without an entitlement (one-off programmes): the household's living members.
    without = covering.filter(pl.col("entitlement_id").is_null()).select("household_id", "program").unique()
    if without.height:
        households = PayrollLine.objects.filter(paid_lines_q(month), entitlement__isnull=True).values("household_id")
        members = read_frame(
            Person.objects.filter(household_id__in=households)
            .filter(Q(date_of_death__isnull=True) | Q(date_of_death__gte=next_month(month)))
            .values_list("household_id", "pk"),
            {"household_id": pl.Int64, "person_id": pl.Int64},
        )
        by_household = without.join(members, on="household_id").select("household_id", "program", "person_id")
        by_entitlement = pl.concat([by_entitlement, by_household])
    return by_entitlement.unique()


def _person_traits(month: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sex, age band, disability and urban/rural of the persons of the households paid in the month."""
    paid = PayrollLine.objects.filter(paid_lines_q(month)).values("household_id")
    persons = read_frame(
        Person.objects.filter(household_id__in=paid).values_list("pk", "sex", "birth_date", "disability_kind"),
        {"person_id": pl.Int64, "sex": pl.String, "birth_date": pl.Date, "disability_kind": pl.String},
    )
    areas = read_frame(
        Household.objects.filter(pk__in=paid).values_list("pk", "area"),
        {"household_id": pl.Int64, "area": pl.String},
    )
    # Age on the month's first day: the birthday of this year is still to come when it falls after it.
    birth = pl.col("birth_date")
    later = (birth.dt.month() > month.month) | ((birth.dt.month() == month.month) & (birth.dt.day() > 1))
    age = pl.lit(month.year) - birth.dt.year().cast(pl.Int32) - later.cast(pl.Int32)
    return persons.select(
        "person_id",
        male=pl.col("sex") == "M",
        female=pl.col("sex") == "F",
        age_child=age < 18,
        age_working=(age >= 18) & (age < 60),
        age_elderly=age >= 60,
        disabled=pl.col("disability_kind") != "",
    ), areas


def _events(month: dt.date) -> pl.DataFrame:
    qs = EntitlementEvent.objects.filter(effective_month=first_of_month(month)).values_list(
        "entitlement__region_code", "entitlement__program", "kind"
    )
    frame = read_frame(qs, {"region_code": pl.String, "program": pl.String, "kind": pl.String})
    counted = frame.select(
        "region_code",
        "program",
        new=pl.col("kind") == "created",
        stopped=pl.col("kind") == "stopped",
        adjusted=pl.col("kind") == "amount",
    )
    return counted


def _population(month: dt.date) -> pl.DataFrame:
    living = Q(date_of_death__isnull=True) | Q(date_of_death__gte=next_month(month))
    qs = Person.objects.filter(living).values_list("region_code")
    codes = read_frame(qs, {"region_code": pl.String})
    return codes.group_by("region_code").agg(population=pl.len())


def _village_rows(month: dt.date, progress: Progress) -> pl.DataFrame:
    """One row per (region code of the households, programme), with "" for every programme."""
    lines = _lines(month)
    progress(25, "persons")
    covered = _covered_persons(month, lines)
    traits, areas = _person_traits(month)
    progress(55, "aggregate")
    home = lines.select("household_id", "region_code").unique("household_id")
    money = lines.pivot(
        on="kind", index=["region_code", "program"], values="amount_fen", aggregate_function="sum"
    ).fill_null(0)
    money = money.with_columns(
        [
            (pl.col(k.value) if k.value in money.columns else pl.lit(0, dtype=pl.Int64)).alias(col)
            for k, col in MONEY_COLUMNS.items()
        ]
    ).select("region_code", "program", *MONEY_COLUMNS.values())
    money = pl.concat(
        [
            money,
            money.group_by("region_code")
            .agg(pl.col(c).sum() for c in MONEY_COLUMNS.values())
            .with_columns(program=pl.lit(ALL_PROGRAMS))
            .select(money.columns),
        ]
    ).with_columns(total_fen=pl.sum_horizontal(*MONEY_COLUMNS.values()))
    counted = lines.filter(pl.col("kind").is_in([k.value for k in COVERING_KINDS]))
    households = counted.select("region_code", "program", "household_id").unique()
    households = pl.concat([households, households.with_columns(program=pl.lit(ALL_PROGRAMS)).unique()])
    hh = households.group_by("region_code", "program").agg(households=pl.len())
    people = covered.join(home, on="household_id").join(areas, on="household_id").join(traits, on="person_id")
    people = people.with_columns(urban=pl.col("area") == Area.URBAN, rural=pl.col("area") == Area.RURAL)
    people = people.select("region_code", "program", "person_id", *PERSON_COLUMNS)
    people = pl.concat([people, people.with_columns(program=pl.lit(ALL_PROGRAMS)).unique(["program", "person_id"])])
    pp = people.group_by("region_code", "program").agg(
        pl.len().alias("persons"), *(pl.col(c).cast(pl.Int64).sum() for c in PERSON_COLUMNS)
    )
    events = _events(month)
    events = pl.concat([events, events.with_columns(program=pl.lit(ALL_PROGRAMS))])
    ev = events.group_by("region_code", "program").agg(
        pl.col(c).cast(pl.Int64).sum() for c in ("new", "stopped", "adjusted")
    )
    keys = pl.concat([f.select("region_code", "program") for f in (money, hh, pp, ev)]).unique()
    pop = _population(month)
    keys = pl.concat([keys, pop.select("region_code", program=pl.lit(ALL_PROGRAMS))]).unique()
    rows = keys
    for part in (hh, pp, money, ev):
        rows = rows.join(part, on=["region_code", "program"], how="left")
    rows = rows.join(pop, on="region_code", how="left").with_columns(
        pl.when(pl.col("program") == ALL_PROGRAMS).then(pl.col("population")).otherwise(0).alias("population")
    )
    return rows.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in SUM_COLUMNS)


def _rollup(base: pl.DataFrame) -> pl.DataFrame:
    """Every level from the village up: a region's row sums the rows of the codes under it."""
    parts = []
    for length, above, level in _LEVELS:
        key = pl.col("region_code").str.slice(0, length).str.pad_end(12, "0")
        part = (
            base.with_columns(key.alias("region_code"))
            .group_by("region_code", "program")
            .agg(pl.col(c).sum() for c in SUM_COLUMNS)
        )
        # A code is a region of this level only when nothing follows its significant digits: a household
        # registered on a township's own code is counted in the township's row, not in a "village" row.
        significant = pl.col("region_code").str.slice(above, length - above)
        part = part.filter(significant.str.strip_chars("0") != "")
        parts.append(part.with_columns(level=pl.lit(int(level), dtype=pl.Int64)))
    return pl.concat(parts)


@transaction.atomic
def snapshot_build(*, month: dt.date, progress: Progress | None = None) -> int:
    """(Re)builds the snapshot of `month` for every region: returns the rows written."""
    report = progress or (lambda _p, _s: None)
    month = first_of_month(month)
    report(5, "lines")
    rows = _rollup(_village_rows(month, report))
    report(85, "write")
    Snapshot.objects.filter(month=month).delete()
    frame = rows.with_columns(month=pl.lit(month, dtype=pl.Date), built_at=pl.lit(timezone.now()))
    frame = frame.with_columns(pl.col("built_at").dt.replace_time_zone("UTC"))
    n = bulk_insert(Snapshot, frame.select("month", "region_code", "level", "program", *SUM_COLUMNS, "built_at"))
    report(100, "done")
    return n


def snapshot_months(*, first: dt.date, last: dt.date) -> list[dt.date]:
    """The months from `first` to `last`, inclusive."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


__all__ = ["Level", "paid_lines_q", "snapshot_build", "snapshot_months"]
