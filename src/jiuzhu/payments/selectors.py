"""Reads of entitlements and payrolls, always limited to the user's region subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from jiuzhu.accounts.models import User
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import in_scope, prefix_q, scope_q
from jiuzhu.payments.models import (
    PERSONS_PREFETCH,
    AccountFlag,
    Collection,
    Entitlement,
    EntitlementEvent,
    LineKind,
    Payroll,
    PayrollLine,
    first_of_month,
)
from jiuzhu.regions.models import PREFIX_LENGTH, Level, Region
from jiuzhu.registry.models import Household


def covered_rows(links: QuerySet[Entitlement], *fields: str, alive_on: dt.date | None = None) -> QuerySet[Any]:
    """One row (person_id, *fields of the link) for every person the links pay for: the links with a list of
    their own and the links that name another's (a 提标's new links, Entitlement.persons_of), each row with its
    own link's fields. `alive_on`: only the persons alive on that day (dead on it or later counts as alive)."""

    def part(path: str, links: QuerySet[Entitlement]) -> QuerySet[Any]:
        person = Q(**{f"{path}person_id__isnull": False})
        if alive_on is not None:
            person &= Q(**{f"{path}person__date_of_death__isnull": True}) | Q(
                **{f"{path}person__date_of_death__gte": alive_on}
            )
        return links.filter(person).order_by().values_list(f"{path}person_id", *fields)

    own = part("covered__", links.filter(persons_of__isnull=True))
    shared = part("persons_of__covered__", links.filter(persons_of__isnull=False))
    return own.union(shared, all=True)


def entitlements_visible(*, user: User) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(scope_q(user)).select_related("household")


def entitlement_get(*, user: User, pk: int) -> Entitlement:
    return get_object_or_404(entitlements_visible(user=user), pk=pk)


_entitlements_of = prepared(
    lambda household_id: (
        Entitlement.objects.filter(household_id=household_id)
        .prefetch_related(*PERSONS_PREFETCH)
        .order_by("-start_month", "-id")
    )
)


def entitlements_of_household(*, household: Household) -> list[Entitlement]:
    """The household's entitlements with their persons, newest first (compiled once per process: the household
    page shows them on every visit)."""
    return _entitlements_of(household.pk)


def entitlements_paying(*, month: dt.date, region_prefix_q: Q | None = None) -> QuerySet[Entitlement]:
    """Entitlements paid for `month` (payroll reads this): started, not ended, not suspended."""
    m = first_of_month(month)
    qs = Entitlement.objects.filter(start_month__lte=m).filter(Q(end_month__isnull=True) | Q(end_month__gte=m))
    qs = qs.exclude(suspended_from__lte=m)
    if region_prefix_q is not None:
        qs = qs.filter(region_prefix_q)
    return qs


# ───────────────────────────── payroll ─────────────────────────────


def _ancestor_codes(prefix: str) -> list[str]:
    """The 12-digit codes of the regions above a prefix: a township user sees the county's payroll too
    (only its own township's lines of it)."""
    return [prefix[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n < len(prefix)]


def payrolls_visible(*, user: User) -> QuerySet[Payroll]:
    prefix = getattr(user, "scope_prefix", None)
    if not prefix:
        return Payroll.objects.none()
    return Payroll.objects.filter(scope_q(user) | Q(region_code__in=_ancestor_codes(prefix))).select_related(
        "region", "generated_by", "checked_by", "approved_by"
    )


def payroll_get(*, user: User, pk: int) -> Payroll:
    return get_object_or_404(payrolls_visible(user=user), pk=pk)


def payroll_lines_visible(*, user: User, payroll: Payroll) -> QuerySet[PayrollLine]:
    """The payroll's lines within the user's region: a township user sees only its township's."""
    return payroll.lines.filter(scope_q(user)).select_related("household")


def payroll_lines_of_month(*, user: User, month: dt.date, region_prefix: str = "") -> QuerySet[PayrollLine]:
    """Every line of every payroll of `month` the user may see, optionally narrowed to a region."""
    qs = PayrollLine.objects.filter(scope_q(user), payroll__month=first_of_month(month))
    if region_prefix:
        qs = qs.filter(prefix_q(region_prefix))
    return qs.select_related("household").order_by("region_code", "household__number", "program", "service_month")


def payroll_totals(*, user: User, payroll: Payroll) -> tuple[int, int]:
    """(count, total fen) of the lines this user sees: the payroll's own totals for the county."""
    agg = payroll_lines_visible(user=user, payroll=payroll).aggregate(n=Count("id"), total=Sum("amount_fen"))
    return int(agg["n"] or 0), int(agg["total"] or 0)


def payroll_fund_totals(*, user: User, payroll: Payroll) -> tuple[int, int]:
    """(persons, fen) of the 资助参保 lines this user sees: transferred to the medical insurance fund in one
    amount, outside the household bank file."""
    lines = payroll_lines_visible(user=user, payroll=payroll).filter(kind=LineKind.INSURANCE)
    agg = lines.aggregate(n=Count("id"), total=Sum("amount_fen"))
    return int(agg["n"] or 0), int(agg["total"] or 0)


def payroll_rows(*, user: User, payrolls: list[Payroll]) -> list[tuple[Payroll, int, int]]:
    """Each payroll with the count and total this user may see: a township officer looking at the county's
    payroll sees its own township's figures, never the county's."""
    return [
        (p, p.line_count, p.total_fen) if in_scope(user, p.region_code) else (p, *payroll_totals(user=user, payroll=p))
        for p in payrolls
    ]


# The household page's four reads, each compiled once per process (core.prepared): compiling them cost more
# than reading their few rows.
_ledger = prepared(
    lambda household_id: (
        PayrollLine.objects.filter(household_id=household_id)
        .select_related("payroll")
        .order_by("-service_month", "-payroll__month", "program", "kind", "-id")[:60]
    )
)
_events = prepared(
    lambda household_id: (
        EntitlementEvent.objects.filter(entitlement__household_id=household_id)
        .select_related("entitlement")
        .order_by("-effective_month", "-id")[:30]
    )
)
_collections = prepared(
    lambda household_id: Collection.objects.filter(household_id=household_id).order_by("-first_month", "-id")
)
_open_flags = prepared(
    lambda household_id: (
        AccountFlag.objects.filter(household_id=household_id, resolved_at__isnull=True)
        .select_related("line")
        .order_by("raised_at")
    )
)


def ledger_of_household(*, household: Household) -> list[PayrollLine]:
    """The household page's payment ledger (its latest 60 lines), newest month first. The page itself checks
    the scope."""
    return _ledger(household.pk)


def entitlement_events_of_household(*, household: Household) -> list[EntitlementEvent]:
    """The household's latest 30 changes of entitlement (start, amount, stop, gradual exit) with their causes,
    newest first: why the ledger's months are what they are. The page itself checks the scope."""
    return _events(household.pk)


def payroll_collections(*, user: User, payroll: Payroll) -> dict[str, int]:
    """What this payroll put on the collection list (追缴清单) in the user's scope: count `n`, total `fen`."""
    rows = Collection.objects.filter(scope_q(user), payroll=payroll).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    return {"n": rows["n"] or 0, "fen": rows["fen"] or 0}


def household_collections(*, household: Household) -> list[Collection]:
    """The household's overpayments to collect outside the payroll, newest first."""
    return _collections(household.pk)


def open_account_flags(*, household: Household) -> list[AccountFlag]:
    """The bank's refusals not yet answered by a corrected account: the household's money waits for them."""
    return _open_flags(household.pk)


def _previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class TownshipDiff:
    """One township's total this month beside last month's, the difference split by cause. The parts
    always add up: last + new − stopped − paused + changed + backpay + recovery + one_off − last_adjustments
    = this. `paused` are households paid last month whose account the bank refused and the clerk had not
    corrected when this payroll was generated (暂停待改账户): their money waits, it has not stopped. The
    counts are of households (new: paid this month and not last; stopped and paused: the other way)."""

    code: str
    name: str
    last_count: int
    last_fen: int
    count: int
    total_fen: int
    new_count: int
    new_fen: int
    stopped_count: int
    stopped_fen: int
    paused_count: int
    paused_fen: int
    changed_fen: int
    backpay_fen: int
    recovery_fen: int
    one_off_fen: int
    last_adjustments_fen: int

    @property
    def diff_fen(self) -> int:
        return self.total_fen - self.last_fen

    @property
    def explained_fen(self) -> int:
        return (
            self.new_fen
            - self.stopped_fen
            - self.paused_fen
            + self.changed_fen
            + self.backpay_fen
            + self.recovery_fen
            + self.one_off_fen
            - self.last_adjustments_fen
        )


_LINE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "township": pl.String,
    "household_id": pl.Int64,
    "program": pl.String,
    "kind": pl.String,
    "amount_fen": pl.Int64,
}


def _lines_frame(qs: QuerySet[PayrollLine]) -> pl.DataFrame:
    """A payroll's lines as columns, read from the cursor (core.bulk.read_frame; on PostgreSQL a COPY): a county's
    payroll is up to a million lines, which Django's rows of Python objects took seconds to hand over."""
    frame = read_frame(
        qs.order_by().values_list("region_code", "household_id", "program", "kind", "amount_fen"), _LINE_SCHEMA
    )
    return frame.with_columns(pl.col("township").str.slice(0, PREFIX_LENGTH[Level.TOWNSHIP]))


def _waiting_for_account(payroll: Payroll) -> list[int]:
    """Households whose account flag was open when `payroll` was generated: it held their lines back."""
    flags = AccountFlag.objects.filter(prefix_q(payroll.region.prefix), raised_at__lte=payroll.generated_at)
    flags = flags.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=payroll.generated_at))
    return list(flags.values_list("household_id", flat=True).distinct())


def payroll_compare(*, user: User, payroll: Payroll) -> list[TownshipDiff]:
    """Totals by township beside last month's lines of the same region and programme, every difference
    explained: new (regular pay this month, none last), stopped, paused for an account correction, changed
    amount, back pay, recovery, one-off, and last month's adjustments that do not recur. Set-based: two
    column reads, Polars joins."""
    base = PayrollLine.objects.filter(scope_q(user), prefix_q(payroll.region.prefix))
    if payroll.program:
        base = base.filter(program=payroll.program)
    now = _lines_frame(base.filter(payroll=payroll))
    last = _lines_frame(base.filter(payroll__month=_previous_month(payroll.month)))
    keys = ["township", "household_id", "program"]
    regular = pl.col("kind") == LineKind.REGULAR.value

    def regular_by_household(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.filter(regular).group_by(keys).agg(pl.col("amount_fen").sum().alias(name))

    pairs = regular_by_household(now, "now").join(
        regular_by_household(last, "last"), on=keys, how="full", coalesce=True
    )
    pairs = pairs.with_columns(pl.col("now").fill_null(0), pl.col("last").fill_null(0)).with_columns(
        paused=pl.col("household_id").is_in(_waiting_for_account(payroll))
    )
    new, gone = (pl.col("last") == 0) & (pl.col("now") > 0), (pl.col("now") == 0) & (pl.col("last") > 0)
    stopped, paused = gone & ~pl.col("paused"), gone & pl.col("paused")

    def households(which: pl.Expr) -> pl.Expr:
        return pl.col("household_id").filter(which).n_unique()

    reg = pairs.group_by("township").agg(
        new_count=households(new),
        new_fen=pl.when(new).then(pl.col("now")).otherwise(0).sum(),
        stopped_count=households(stopped),
        stopped_fen=pl.when(stopped).then(pl.col("last")).otherwise(0).sum(),
        paused_count=households(paused),
        paused_fen=pl.when(paused).then(pl.col("last")).otherwise(0).sum(),
        changed_fen=pl.when((pl.col("now") > 0) & (pl.col("last") > 0))
        .then(pl.col("now") - pl.col("last"))
        .otherwise(0)
        .sum(),
    )

    def kind_sum(kinds: list[str], name: str) -> pl.Expr:
        return pl.when(pl.col("kind").is_in(kinds)).then(pl.col("amount_fen")).otherwise(0).sum().alias(name)

    one_off = [LineKind.ONE_OFF.value, LineKind.INSURANCE.value]
    adjustments = [LineKind.BACKPAY.value, LineKind.RECOVERY.value, *one_off]
    now_t = now.group_by("township").agg(
        pl.len().alias("count"),
        pl.col("amount_fen").sum().alias("total_fen"),
        kind_sum([LineKind.BACKPAY.value], "backpay_fen"),
        kind_sum([LineKind.RECOVERY.value], "recovery_fen"),
        kind_sum(one_off, "one_off_fen"),
    )
    last_t = last.group_by("township").agg(
        pl.len().alias("last_count"),
        pl.col("amount_fen").sum().alias("last_fen"),
        kind_sum(adjustments, "last_adjustments_fen"),
    )
    table = now_t.join(last_t, on="township", how="full", coalesce=True).join(
        reg, on="township", how="full", coalesce=True
    )
    table = table.fill_null(0).sort("township")
    names = dict(
        Region.objects.filter(code__in=[t.ljust(12, "0") for t in table["township"]]).values_list("code", "name")
    )
    return [
        TownshipDiff(code=row["township"], name=names.get(row["township"].ljust(12, "0"), row["township"]), **{
            k: int(v) for k, v in row.items() if k != "township"
        })
        for row in table.iter_rows(named=True)
    ]  # fmt: skip
