"""Back pay and recovery: what a household was due for a past month against what it was paid for it.

The amount due for a month follows from the entitlement chain (Entitlement.pays_in and monthly_amount); what
was paid is the sum of the non-failed payroll lines of that household, programme and month, plus what went
to the collection list (追缴清单). Any difference becomes one line in the next payroll: back pay (补发) when
positive, recovery (扣回) when negative, one per household × programme × service month, citing its cause.

A normal month must cost little at a million entitlements, so only the household × programme pairs that
could differ are read: entitlements created or changed since the previous payroll was generated (a
decision taken after a month's payroll, a retroactive 提标, a death found late), lines the bank returned,
and households whose account was corrected. Being too generous here costs time, never money: every
difference is computed exactly from the chain and the lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_noop

from jiuzhu.core import messages
from jiuzhu.core.bulk import bulk_insert, read_frame
from jiuzhu.core.money import FenOf
from jiuzhu.core.scope import pass_prefix_q, prefix_q, wide_scope
from jiuzhu.payments.models import (
    AccountFlag,
    Cause,
    Collection,
    CollectionStatus,
    Entitlement,
    EntitlementEvent,
    LineKind,
    LineStatus,
    Payroll,
    PayrollLine,
    add_months,
    first_of_month,
)
from jiuzhu.policy.rules.params import parse_value
from jiuzhu.policy.selectors import parameter_value
from jiuzhu.policy.shipped import shipped_values
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household

# The frame payroll_generate takes adjustment lines in (and cap_recoveries returns).
LINE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,
    "entitlement_id": pl.Int64,
    "program": pl.String,
    "service_month": pl.Date,
    "kind": pl.String,
    "amount_fen": pl.Int64,
    "note": pl.String,
}
# The collections cap_recoveries leaves over: one row per household × entitlement × service month, so the
# next payroll's adjustments see that month as settled.
COLLECTION_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "household_id": pl.Int64,
    "entitlement_id": pl.Int64,
    "first_month": pl.Date,
    "last_month": pl.Date,
    "amount_fen": pl.Int64,
    "cause": pl.String,
    "note": pl.String,
    "source_key": pl.String,
}

# The kinds of line that pay an entitlement's month: what back pay and recovery weigh against what was due.
MONTHLY_KINDS = [LineKind.REGULAR.value, LineKind.BACKPAY.value, LineKind.RECOVERY.value]
# Those lines name their entitlement; a recovery without one takes back a one-off (services.oneoff), which is
# settled by its key, never against a month of an entitlement.
_MONTHLY = Q(kind__in=MONTHLY_KINDS, entitlement__isnull=False)

ALLOW_NEGATIVE = "payments.recovery.allow_negative"
WINDOW_MONTHS = "payments.arrears.window_months"

# How a note names the cause of a difference: "2026-06 提标补发", "2026-05 死亡扣回".
_CAUSE_WORD = {
    Cause.DECISION: gettext_noop("审核确认"),
    Cause.REVIEW: gettext_noop("复核调整"),
    Cause.RECOMPUTE: gettext_noop("提标"),
    Cause.FINDING: gettext_noop("核实"),
    Cause.DEATH: gettext_noop("死亡"),
    Cause.ACCOUNT: gettext_noop("账户更正"),
    Cause.CORRECTION: gettext_noop("差错更正"),
}


def payment_parameter(key: str, *, region_code: str = "", on: dt.date) -> int:
    """An integer payments parameter for a region (a 12-digit code or a prefix) on a date: the nearest
    region up the tree with a value in force; the shipped value where none has one."""
    value: Decimal | str | None = None
    region = Region.objects.filter(code=region_code.ljust(12, "0")).first() if region_code else None
    if region is not None:
        value = parameter_value(key, region, on)
    if value is None:
        rows = sorted((v for v in shipped_values() if v.key == key), key=lambda v: v.effective_from)
        in_force = [v for v in rows if v.effective_from <= on] or rows[:1]
        value = parse_value(key, in_force[-1].value)
    return int(Decimal(value))


def _empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=LINE_SCHEMA)


def previous_generated_at(month: dt.date) -> dt.datetime | None:
    """When the previous month's payrolls began to be generated: what changed after that may not be in them."""
    prev = Payroll.objects.filter(month__lt=month).order_by("-month").values_list("month", flat=True).first()
    if prev is None:
        return None
    return Payroll.objects.filter(month=prev).aggregate(t=Min("generated_at"))["t"]


_PAIR_SCHEMA = {"household_id": pl.Int64, "program": pl.String}


def _pair_frame(qs: QuerySet[Any]) -> pl.DataFrame:
    """The distinct (household_id, program) rows of a values_list, read from the cursor: after a 提标 over a
    county every entitlement and event is new. order_by(): the model's ordering would widen the DISTINCT."""
    return read_frame(qs.order_by().distinct(), _PAIR_SCHEMA)


def _candidates(*, month: dt.date, lo: dt.date, prefix: str, program: str) -> pl.DataFrame:
    """(household_id, program) pairs whose past months may differ from what was paid, one row each."""
    scope = prefix_q(prefix) & (Q(program=program) if program else Q())
    since = previous_generated_at(month)
    changed = Q(created_at__gte=since) if since is not None else Q()
    # The events' scope on their entitlement's own columns: one join, not a second one through a subquery.
    events = EntitlementEvent.objects.filter(
        prefix_q(prefix, "entitlement__region_code"),
        Q(entitlement__program=program) if program else Q(),
        effective_month__lt=month,
    )
    if since is not None:
        events = events.filter(created_at__gte=since)
    # One read (UNION ALL) of the entitlements and the events changed since; after a 提标 both name the same
    # million pairs, made distinct below in memory rather than by a sort in the database.
    entitlements = Entitlement.objects.filter(scope, changed).order_by().values_list("household_id", "program")
    events_pairs = events.order_by().values_list("entitlement__household_id", "entitlement__program")
    found = [read_frame(entitlements.union(events_pairs, all=True), _PAIR_SCHEMA)]
    failed = PayrollLine.objects.filter(
        scope, _MONTHLY, status=LineStatus.FAILED, service_month__gte=lo, service_month__lt=month
    )
    found.append(_pair_frame(failed.values_list("household_id", "program")))
    resolved = AccountFlag.objects.filter(prefix_q(prefix), resolved_at__isnull=False)
    if since is not None:
        resolved = resolved.filter(resolved_at__gte=since)
    households = set(resolved.values_list("household_id", flat=True))
    if households:
        theirs = Entitlement.objects.filter(scope, household_id__in=households)
        found.append(_pair_frame(theirs.values_list("household_id", "program")))
    return pl.concat(found).unique()


# Up to this many pairs are read by IN lists; beyond, the whole scope is read and narrowed in Polars (a
# recompute over a county changes every household: a million ids do not belong in one SQL statement).
_IN_LIMIT = 2_000


@dataclass(frozen=True)
class _Pairs:
    """The household × programme pairs to settle (a frame of household_id, program, one row each), and the
    scope they were found in."""

    pairs: pl.DataFrame
    prefix: str
    program: str
    # Whether the scope, read whole, holds most of the tables (core.scope.wide_scope): read in one pass.
    wide: bool = False

    def q(
        self,
        *,
        household: str = "household_id",
        program: str = "program",
        region: str = "region_code",
        one_pass: bool = True,
    ) -> Q:
        """A filter for rows of these pairs: one IN list per programme, or the whole scope when they are many
        (then narrow the frame with `_Key.only`), read in one pass when wide unless `one_pass` is False (the
        payroll lines: years of them, of which a few months are read through their indexes)."""
        if self.pairs.height > _IN_LIMIT:
            wide = self.wide and one_pass
            where = pass_prefix_q(self.prefix, region) if wide else prefix_q(self.prefix, region)
            return where & Q(**{program: self.program}) if self.program else where
        q = Q(pk__in=[])
        for (p,), group in self.pairs.group_by("program", maintain_order=True):
            q |= Q(**{program: p, f"{household}__in": group["household_id"].to_list()})
        return q


def _due(entitlements: pl.DataFrame, *, lo: dt.date, hi: dt.date) -> pl.DataFrame:
    """One row per entitlement × month it pays in [lo, hi]: household_id, program, service_month, due_fen,
    entitlement_id (the Entitlement.pays_in rule, over columns)."""
    start = pl.max_horizontal(pl.col("start_month"), pl.lit(lo))
    end = pl.min_horizontal(pl.col("end_month").fill_null(pl.lit(hi)), pl.lit(hi))
    end = (
        pl.when(pl.col("suspended_from").is_not_null())
        .then(pl.min_horizontal(end, pl.col("suspended_from").dt.offset_by("-1mo")))
        .otherwise(end)
    )
    return (
        entitlements.with_columns(start=start, end=end)
        .filter(pl.col("start") <= pl.col("end"))
        .with_columns(service_month=pl.date_ranges("start", "end", "1mo"))
        .explode("service_month")
        .select(
            "household_id",
            "program",
            "service_month",
            pl.col("id").alias("entitlement_id"),
            pl.col("amount_fen").alias("due_fen"),
        )
    )


def adjustments(*, month: dt.date, region_code_prefix: str, program: str = "") -> pl.DataFrame:
    """Back pay and recovery lines for service months before `month` (columns of LINE_SCHEMA). Households
    whose account waits for correction are left out: their money waits with them."""
    month = first_of_month(month)
    window = payment_parameter(WINDOW_MONTHS, region_code=region_code_prefix, on=month)
    lo = add_months(month, -window)
    first_payroll = Payroll.objects.filter(month__lt=month).aggregate(m=Min("month"))["m"]
    if first_payroll is None:
        return _empty_lines()  # months before the first payroll were paid outside jiuzhu
    lo = max(lo, first_payroll)
    hi = add_months(month, -1)
    found = _candidates(month=month, lo=lo, prefix=region_code_prefix, program=program)
    flagged = set(
        AccountFlag.objects.filter(prefix_q(region_code_prefix), resolved_at__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    settle = found.filter(~pl.col("household_id").is_in(list(flagged)))
    if settle.height == 0:
        return _empty_lines()
    wide = settle.height > _IN_LIMIT and wide_scope(Entitlement, region_code_prefix)
    pairs = _Pairs(settle, region_code_prefix, program, wide)
    which, lines_of = pairs.q(), pairs.q(one_pass=False)
    # Read from the cursor (core.bulk.read_frame), the fen computed by the database as in the payroll: after
    # a 提标 over a county these are a million entitlements and six million paid lines.
    fen = FenOf("monthly_amount")
    ents = read_frame(
        Entitlement.objects.filter(which)
        .annotate(fen=fen)
        .order_by()
        .values_list("id", "household_id", "program", "fen", "start_month", "end_month", "suspended_from"),
        {
            "id": pl.Int64,
            "household_id": pl.Int64,
            "program": pl.String,
            "amount_fen": pl.Int64,
            "start_month": pl.Date,
            "end_month": pl.Date,
            "suspended_from": pl.Date,
        },
    )
    # One-off lines (services.oneoff) are settled by their source_key, never against an entitlement's month.
    in_window = Q(service_month__gte=lo, service_month__lte=hi) & _MONTHLY
    paid_rows = (
        PayrollLine.objects.filter(lines_of, in_window)
        .exclude(status=LineStatus.FAILED)
        .order_by()
        .values_list("household_id", "program", "service_month", "amount_fen", "entitlement_id")
    )
    coll_rows = (
        Collection.objects.filter(
            pairs.q(program="entitlement__program"),
            first_month__gte=lo,
            first_month__lte=hi,
        )
        .order_by()
        .values_list("household_id", "entitlement__program", "first_month", "amount_fen", "entitlement_id")
    )
    settled_schema = {
        "household_id": pl.Int64,
        "program": pl.String,
        "service_month": pl.Date,
        "paid_fen": pl.Int64,
        "paid_ent": pl.Int64,
    }
    paid = pl.concat(
        [
            read_frame(paid_rows, settled_schema),
            # A month put on the collection list counts as recovered: it is settled outside the payroll.
            read_frame(coll_rows, settled_schema).with_columns(pl.col("paid_fen").neg()),
        ]
    )
    failed_months = read_frame(
        # order_by(): the model's order would add its columns to the DISTINCT and repeat a month.
        PayrollLine.objects.filter(lines_of, in_window, status=LineStatus.FAILED)
        .order_by()
        .values_list("household_id", "program", "service_month")
        .distinct(),
        {"household_id": pl.Int64, "program": pl.String, "service_month": pl.Date},
    )
    key = _Key.of(settle, ents, paid, failed_months)
    wanted = settle.select(key.pair())
    # What was due and what was paid, as one column of signed amounts summed per key: one grouping of both
    # sides instead of a grouping each and a join of millions of rows.
    due = _due(key.only(ents, wanted), lo=lo, hi=hi).select(
        key.full(),
        pl.col("due_fen").alias("amount_fen"),
        pl.col("entitlement_id").alias("due_ent"),
        pl.lit(None, pl.Int64).alias("paid_ent"),
    )
    paid_k = key.only(paid, wanted).select(
        key.full(), pl.col("paid_fen").neg().alias("amount_fen"), pl.lit(None, pl.Int64).alias("due_ent"), "paid_ent"
    )
    diff = (
        pl.concat([due.lazy(), paid_k.lazy()])
        .group_by("k")
        .agg(pl.col("amount_fen").sum(), pl.col("due_ent").max(), pl.col("paid_ent").max())
        .filter(pl.col("amount_fen") != 0)
        .sort("k")
        .collect()
    )
    if diff.height == 0:
        return _empty_lines()
    failed = key.only(failed_months, wanted).select(key.full()).unique().with_columns(failed=pl.lit(True))
    diff = diff.join(failed, on="k", how="left", maintain_order="left")
    diff = _with_causes(diff, key, pairs).with_columns(
        entitlement_id=pl.coalesce("due_ent", "paid_ent"),
        cause=pl.when(pl.col("failed").fill_null(False))
        .then(pl.lit(Cause.ACCOUNT.value))
        .otherwise(pl.col("cause").fill_null(Cause.CORRECTION.value)),
    )
    return key.lines(diff)


# A month in a key: months since 1970-01 (below 4096: until the year 2311).
_MONTHS = 4096
# The causes a line can cite, numbered in sorted order for the notes' key (_Key.lines).
_CAUSES = sorted(c.value for c in Cause)


@dataclass(frozen=True)
class _Key:
    """(household_id, program, service_month) as one integer `k`, and (household_id, program) as `hp`: the
    joins and groupings of a county's arrears (millions of rows) on one integer instead of three columns,
    one of them text. Programmes are numbered in their sorted order, so that ordering by `k` orders by the
    three columns, and every month of a pair lies between its pair's first and last key."""

    programs: list[str]

    @classmethod
    def of(cls, *frames: pl.DataFrame) -> _Key:
        names: set[str] = set()
        for frame in frames:
            names.update(frame["program"].drop_nulls().unique().to_list())
        return cls(sorted(names))

    def pair(self) -> pl.Expr:
        code = pl.col("program").cast(pl.Enum(self.programs)).to_physical().cast(pl.Int64)
        return (pl.col("household_id") * len(self.programs) + code).alias("hp")

    @staticmethod
    def month(column: str = "service_month") -> pl.Expr:
        """A month as its number since 1970-01."""
        return (pl.col(column).dt.year().cast(pl.Int64) - 1970) * 12 + pl.col(column).dt.month().cast(pl.Int64) - 1

    def full(self, month: str = "service_month") -> pl.Expr:
        return (self.pair() * _MONTHS + self.month(month)).alias("k")

    def only(self, frame: pl.DataFrame, wanted: pl.DataFrame) -> pl.DataFrame:
        """The rows of `frame` whose household and programme are among `wanted` (a frame of `hp`)."""
        return frame.with_columns(self.pair()).join(wanted, on="hp", how="semi").drop("hp")

    def lines(self, diff: pl.DataFrame) -> pl.DataFrame:
        """LINE_SCHEMA's columns of differences keyed by `k` (amount_fen, entitlement_id, cause), in the order
        of `k`. The note of each (month, cause, sign), a county's dozen, is made once and given to its
        millions of lines by an integer key."""
        n, causes = len(self.programs), len(_CAUSES)
        month, sign = pl.col("k") % _MONTHS, (pl.col("amount_fen") > 0).cast(pl.Int64)
        cause = pl.col("cause").cast(pl.Enum(_CAUSES)).to_physical().cast(pl.Int64)
        keyed = diff.with_columns(nk=(month * causes + cause) * 2 + sign)
        m, positive = pl.col("nk") // (2 * causes), pl.col("nk") % 2 == 1
        notes = (
            keyed.select("nk")
            .unique()
            .with_columns(
                service_month=pl.date(1970 + m // 12, m % 12 + 1, 1),
                cause=pl.lit(pl.Series(_CAUSES, dtype=pl.String)).gather(pl.col("nk") // 2 % causes),
                kind=pl.when(positive).then(pl.lit(LineKind.BACKPAY.value)).otherwise(pl.lit(LineKind.RECOVERY.value)),
            )
            .with_columns(note=_note_expr(positive=positive))
            .select("nk", "service_month", "kind", "note")
        )
        pair = pl.col("k") // _MONTHS
        return (
            keyed.lazy()
            .join(notes.lazy(), on="nk", how="left", maintain_order="left")
            .select(
                (pair // n).alias("household_id"),
                "entitlement_id",
                pl.lit(pl.Series(self.programs, dtype=pl.String)).gather(pair % n).alias("program"),
                "service_month",
                "kind",
                "amount_fen",
                "note",
            )
            .collect()
        )


def _with_causes(diff: pl.DataFrame, key: _Key, pairs: _Pairs) -> pl.DataFrame:
    """`diff` (keyed by `k`, sorted by it) with the cause of the latest change in force in each household ×
    programme × month: the event with the greatest key at or before the line's, if it is of the same pair."""
    rows = (
        EntitlementEvent.objects.filter(
            pairs.q(
                household="entitlement__household_id", program="entitlement__program", region="entitlement__region_code"
            )
        )
        .order_by()
        .values_list("entitlement__household_id", "entitlement__program", "effective_month", "cause", "id")
    )
    events = read_frame(
        rows,
        {
            "household_id": pl.Int64,
            "program": pl.String,
            "effective_month": pl.Date,
            "cause": pl.String,
            "id": pl.Int64,
        },
    )
    return _latest_cause(diff, events, key)


def _latest_cause(diff: pl.DataFrame, events: pl.DataFrame, key: _Key) -> pl.DataFrame:
    """`diff` (sorted by `k`) with `cause`: of the events (household_id, program, effective_month, cause, id)
    of its pair in force in its month, the latest (the greatest month, then the greatest id); null if none."""
    # Programmes the differences do not name cannot match: left out before the key (which numbers only theirs).
    keyed = (
        events.filter(pl.col("program").is_in(key.programs))
        .select(key.full("effective_month"), key.pair().alias("event_hp"), "id", "cause")
        .sort("k", "id")
        .drop("id")
    )
    return (
        diff.join_asof(keyed, on="k", strategy="backward", check_sortedness=False)
        .with_columns(cause=pl.when(pl.col("event_hp") == pl.col("k") // _MONTHS).then(pl.col("cause")))
        .drop("event_hp")
    )


def _note_expr(*, positive: pl.Expr) -> pl.Expr:
    """ "2026-06 提标补发": the month, then the cause and the kind (back pay where `positive`, else recovery) as
    one phrase, a marked message (core.messages) each reader reads in their language."""
    phrases = {
        f"{cause.value}|{sign}": messages.msg("%(cause)s%(kind)s", cause=messages.msg(word), kind=messages.msg(kind))
        for cause, word in _CAUSE_WORD.items()
        for sign, kind in (("+", gettext_noop("补发")), ("-", gettext_noop("扣回")))
    }
    sign = pl.when(positive).then(pl.lit("+")).otherwise(pl.lit("-"))
    phrase = pl.concat_str(pl.col("cause"), pl.lit("|"), sign).replace_strict(
        phrases, default=messages.msg(gettext_noop("差错更正"))
    )
    return pl.concat_str(pl.col("service_month").dt.strftime("%Y-%m"), pl.lit(" "), phrase)


def cap_recoveries(
    lines: pl.DataFrame, *, payroll_month: dt.date, region_code: str = ""
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Recoveries taken from the household's positive lines of this payroll, oldest month first, never
    taking the household's total below zero (unless payments.recovery.allow_negative is 1 for `region_code`).
    Returns the lines (recoveries cut down or dropped; other columns kept) and the rest as collections
    (COLLECTION_SCHEMA): cause death where the entitlement records one, and for a recovery without an
    entitlement (a one-off paid for a person dead by its month, services.oneoff), else correction; the
    line's source_key, where the frame has one."""
    empty = pl.DataFrame(schema=COLLECTION_SCHEMA)
    recovery = pl.col("kind") == LineKind.RECOVERY.value
    if lines.height == 0 or lines.filter(recovery).height == 0:
        return lines, empty
    if payment_parameter(ALLOW_NEGATIVE, region_code=region_code, on=first_of_month(payroll_month)):
        return lines, empty
    order = "__order"
    framed = lines.with_row_index(order)
    available = (
        framed.filter(pl.col("amount_fen") > 0)
        .group_by("household_id")
        .agg(pl.col("amount_fen").sum().alias("available"))
    )
    taken = (
        framed.filter(recovery)
        .join(available, on="household_id", how="left")
        .with_columns(pl.col("available").fill_null(0), owed=-pl.col("amount_fen"))
        .sort("household_id", "service_month", order)
        .with_columns(before=pl.col("owed").cum_sum().over("household_id") - pl.col("owed"))
        .with_columns(take=pl.min_horizontal("owed", pl.max_horizontal(pl.col("available") - pl.col("before"), 0)))
        .with_columns(rest=pl.col("owed") - pl.col("take"))
    )
    kept = taken.filter(pl.col("take") > 0).select(order, pl.col("take").neg().alias("__amount"))
    out = (
        framed.join(kept, on=order, how="left")
        .filter(~recovery | pl.col("__amount").is_not_null())
        .with_columns(
            amount_fen=pl.when(recovery).then(pl.col("__amount")).otherwise(pl.col("amount_fen")).cast(pl.Int64)
        )
        .sort(order)
        .drop(order, "__amount")
    )
    rest = taken.filter(pl.col("rest") > 0)
    # The cause a collection cites: a death recorded on the entitlement, else a correction.
    dead = set(
        EntitlementEvent.objects.filter(
            entitlement_id__in=rest["entitlement_id"].unique().to_list(), cause=Cause.DEATH
        ).values_list("entitlement_id", flat=True)
    )
    rest = rest.select(
        "household_id",
        "entitlement_id",
        pl.col("service_month").alias("first_month"),
        pl.col("service_month").alias("last_month"),
        pl.col("rest").cast(pl.Int64).alias("amount_fen"),
        pl.when(pl.col("entitlement_id").is_in(list(dead)) | pl.col("entitlement_id").is_null())
        .then(pl.lit(Cause.DEATH.value))
        .otherwise(pl.lit(Cause.CORRECTION.value))
        .alias("cause"),
        pl.concat_str(pl.col("note"), pl.lit(messages.msg("（当月无可扣回金额，列入追缴）"))).alias("note"),
        (pl.col("source_key") if "source_key" in rest.columns else pl.lit("")).alias("source_key"),
    )
    return out, rest


def collections_insert(*, collections: pl.DataFrame, payroll: Payroll) -> int:
    """Writes cap_recoveries' left-over as Collection rows of `payroll` (追缴清单), in one bulk insert. Call
    inside payroll generation's transaction, so a discarded payroll takes its collections with it."""
    if collections.height == 0:
        return 0
    schema = {"id": pl.Int64, "region_code": pl.String}
    ids = collections["entitlement_id"].drop_nulls().unique().to_list()
    by_entitlement = pl.DataFrame(
        list(Entitlement.objects.filter(pk__in=ids).values_list("id", "region_code")), schema=schema, orient="row"
    )
    # A one-off's recovery names no entitlement: the household's region.
    households = collections.filter(pl.col("entitlement_id").is_null())["household_id"].unique().to_list()
    by_household = pl.DataFrame(
        list(Household.objects.filter(pk__in=households).values_list("id", "region_code")), schema=schema, orient="row"
    )
    frame = (
        collections.join(by_entitlement, left_on="entitlement_id", right_on="id", how="left")
        .join(by_household.rename({"region_code": "household_region"}), left_on="household_id", right_on="id",
              how="left")
        .with_columns(pl.coalesce("region_code", "household_region").alias("region_code"))
    )  # fmt: skip
    frame = frame.select(
        "household_id",
        "region_code",
        "entitlement_id",
        "first_month",
        "last_month",
        "amount_fen",
        pl.lit(CollectionStatus.OPEN.value).alias("status"),
        "cause",
        pl.col("note").str.slice(0, 300),
        "source_key",
        pl.lit(dt.datetime.now(tz=dt.UTC)).alias("created_at"),
        pl.lit(payroll.pk, dtype=pl.Int64).alias("payroll_id"),
    )
    return bulk_insert(Collection, frame)
