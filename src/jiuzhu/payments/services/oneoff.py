"""One-off lines of the payroll: the 春节慰问金 (weiwen), the yearly 资助参保 paid to the medical insurance
fund, the monthly 价格临时补贴 while the price link is triggered, and one-off grants decided elsewhere (a
county-approved 临时救助 not paid from the reserve fund).

Each line carries a `source_key` naming what it pays for ("weiwen:2027:42", "canbao:2027:42",
"jiage:202705:42", a grant's key), and the database's one_off_paid_once constraint keeps any of them from
being paid twice — whichever payroll, month or scope. Lines already paid are left out here first, so two
overlapping payrolls (a county's and a township's) do not run into the constraint in the normal course.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.core import messages
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import read_frame
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import prefix_q
from jiuzhu.payments.models import (
    AccountFlag,
    Collection,
    Entitlement,
    LineKind,
    LineStatus,
    OneOffGrant,
    Payroll,
    PayrollLine,
    add_months,
    first_of_month,
    next_month,
)
from jiuzhu.payments.selectors import covered_rows
from jiuzhu.payments.services import arrears
from jiuzhu.payments.services.arrears import LINE_SCHEMA, previous_generated_at
from jiuzhu.policy.rules.events import jiage_butie, weiwen
from jiuzhu.policy.rules.params import col, resolve
from jiuzhu.policy.selectors import parameters_frame
from jiuzhu.policy.shipped import shipped_frame
from jiuzhu.regions.models import PREFIX_LENGTH, Region
from jiuzhu.registry.models import Area, Household, Person

# The columns payroll generation (payroll._other_lines) takes one-off lines in: an adjustment line's plus what
# it pays for.
ONE_OFF_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {**LINE_SCHEMA, "source_key": pl.String}

WEIWEN = "weiwen"
CANBAO = "zizhu_canbao"
JIAGE = "jiage_butie"
# The payee of 资助参保 lines: money for the fund, never for the household's account. Bank data, the
# name the fund's account carries, so not translated.
FUND_PAYEE = "城乡居民医保基金"

DIBAO = {"dibao_urban": "dibao_urban", "dibao_rural": "dibao_rural"}
TEKUN = ("tekun_central", "tekun_dispersed")
_KEYS = [
    "weiwen.month",
    "weiwen.dibao_urban",
    "weiwen.dibao_rural",
    "weiwen.tekun",
    "zizhu_canbao.month",
    "zizhu_canbao.contribution",
    "zizhu_canbao.dibao_share",
]
_JIAGE_RISES = ["jiage.cpi_yoy", "jiage.food_cpi_yoy"]
_JIAGE_KEYS = [
    *_JIAGE_RISES,
    "jiage.cpi_trigger",
    "jiage.food_cpi_trigger",
    "dibao.standard.urban",
    "dibao.standard.rural",
]


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=ONE_OFF_SCHEMA)


def _params(region: Region) -> pl.DataFrame:
    """The parameter rows that can apply in `region` (its own, its ancestors', those below it), over the
    shipped values at the root: a county that never loaded a key still has one."""
    rows = parameters_frame(regions=[region], below=True)
    return pl.concat([shipped_frame(""), rows.select(shipped_frame("").columns)], how="vertical")


def _month_set(params: pl.DataFrame, key: str, month: dt.date) -> bool:
    """Cheap pre-check before reading who is covered: does any row of `key` name this calendar month?"""
    values = params.filter(pl.col("key") == key)["value"].to_list()
    return any(int(Decimal(v)) == month.month for v in values)


# Who is covered in a month, read once per payroll: 慰问金 and 资助参保 often fall in the same month.
Memo = dict[tuple[dt.date, frozenset[int] | None], pl.DataFrame]


def _covered(*, month: dt.date, prefix: str, memo: Memo, households: set[int] | None = None) -> pl.DataFrame:
    """One row per person covered in `month` by a running 低保/特困 entitlement: person, household, the
    household's region, the programme. Alive at the start of the month."""
    key = (month, None if households is None else frozenset(households))
    if key not in memo:
        memo[key] = _covered_read(month=month, prefix=prefix, programs=[*DIBAO, *TEKUN], households=households)
    return memo[key]


def _covered_read(*, month: dt.date, prefix: str, programs: list[str], households: set[int] | None) -> pl.DataFrame:
    running = Entitlement.objects.filter(prefix_q(prefix), program__in=programs, start_month__lte=month)
    if households is not None:
        running = running.filter(household_id__in=households)
    running = running.filter(Q(end_month__isnull=True) | Q(end_month__gte=month)).exclude(suspended_from__lte=month)
    rows = covered_rows(running, "household_id", "region_code", "program", alive_on=month)
    return pl.DataFrame(
        list(rows),
        schema={"person_id": pl.Int64, "household_id": pl.Int64, "region": pl.String, "program": pl.String},
        orient="row",
    )


def _resolved(covered: pl.DataFrame, params: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    pairs = covered.select("region").unique().with_columns(date=pl.lit(month))
    return resolve(pairs, params, _KEYS).drop("date")


def _category(program: pl.Expr) -> pl.Expr:
    return pl.when(program.is_in(TEKUN)).then(pl.lit("tekun")).otherwise(program.replace_strict(DIBAO, default=None))


def _weiwen_lines(
    *, month: dt.date, prefix: str, params: pl.DataFrame, memo: Memo, households: set[int] | None = None
) -> pl.DataFrame:
    """春节慰问金: one line per person covered by a running 低保/特困 entitlement in the region's weiwen
    month, the amount the engine's rule gives for one person of the category."""
    if not _month_set(params, "weiwen.month", month):
        return _empty()
    covered = _covered(month=month, prefix=prefix, memo=memo, households=households)
    if covered.height == 0:
        return _empty()
    resolved = _resolved(covered, params, month).filter(pl.col(col("weiwen.month")) == month.month)
    amounts = []
    for row in resolved.iter_rows(named=True):
        p = {k[2:]: v for k, v in row.items() if k.startswith("p:")}
        for category in ("dibao_urban", "dibao_rural", "tekun"):
            amounts.append((row["region"], category, weiwen(p, **{category: 1}).amount))
    table = pl.DataFrame(
        amounts, schema={"region": pl.String, "category": pl.String, "amount_fen": pl.Int64}, orient="row"
    )
    return _person_lines(
        covered.with_columns(category=_category(pl.col("program"))).join(table, on=["region", "category"]),
        month=month,
        program=WEIWEN,
        kind=LineKind.ONE_OFF,
        key=_PERSON_KEY[WEIWEN](month),
        note=messages.msg("%(y)s年春节慰问金", y=str(month.year)),
    )


def _weiwen_waited(*, month: dt.date, prefix: str, params: pl.DataFrame, memo: Memo) -> pl.DataFrame:
    """The 慰问金 of households whose account the bank had refused in an earlier weiwen month of this year
    (their lines were held back, or returned): paid in the first payroll after the account is corrected,
    for the weiwen month (service_month), as covered then. Only households with a flag resolved lately are
    looked at, so a normal month costs one small query; "lately" reaches into the previous year because
    payrolls are prepared ahead of their month. What was paid already is left out by its key."""
    since = dt.datetime(month.year - 1, 1, 1, tzinfo=dt.UTC)
    households = set(
        AccountFlag.objects.filter(prefix_q(prefix), resolved_at__gte=since).values_list("household_id", flat=True)
    )
    months = {int(Decimal(v)) for v in params.filter(pl.col("key") == "weiwen.month")["value"].to_list()}
    frames = [
        _weiwen_lines(month=month.replace(month=m), prefix=prefix, params=params, memo=memo, households=households)
        for m in sorted(months)
        if households and 1 <= m < month.month
    ]
    return pl.concat([_empty(), *frames], how="vertical")


def _canbao_lines(*, month: dt.date, prefix: str, params: pl.DataFrame, memo: Memo) -> pl.DataFrame:
    """资助参保: once a year, per 特困 member the whole individual contribution, per 低保 member the
    dibao share of it, paid to the medical insurance fund."""
    if not _month_set(params, "zizhu_canbao.month", month):
        return _empty()
    covered = _covered(month=month, prefix=prefix, memo=memo)
    if covered.height == 0:
        return _empty()
    resolved = _resolved(covered, params, month).filter(pl.col(col("zizhu_canbao.month")) == month.month)
    contribution = pl.col(col("zizhu_canbao.contribution"))
    # The share is in basis points of the whole (50 % → 5000); half a fen and more rounds up.
    share = (contribution * pl.col(col("zizhu_canbao.dibao_share")) + 5_000) // 10_000
    frame = covered.join(resolved, on="region").with_columns(
        amount_fen=pl.when(pl.col("program").is_in(TEKUN)).then(contribution).otherwise(share)
    )
    return _person_lines(
        frame,
        month=month,
        program=CANBAO,
        kind=LineKind.INSURANCE,
        key=f"canbao:{month.year}",
        note=messages.msg("%(y)s年度资助参保", y=str(month.year)),
    )


def _jiage_lines(
    *, month: dt.date, prefix: str, params: pl.DataFrame, memo: Memo, households: set[int] | None = None
) -> pl.DataFrame:
    """价格临时补贴 ([JG2016]): while the rises in force on the month's first day trigger the link, one
    line a month per person covered by a running 低保/特困 entitlement — the standard of the household's
    area × the rise that triggered, as the engine's rule gives it for one person."""
    rises = params.filter(pl.col("key").is_in(_JIAGE_RISES))["value"].to_list()
    if not any(Decimal(v) > 0 for v in rises):  # the shipped 0s: no county entered a rise, nothing to read
        return _empty()
    covered = _covered(month=month, prefix=prefix, memo=memo, households=households)
    if covered.height == 0:
        return _empty()
    pairs = covered.select("region").unique().with_columns(date=pl.lit(month))
    table = []
    for row in resolve(pairs, params, _JIAGE_KEYS).iter_rows(named=True):
        p = {k[2:]: v for k, v in row.items() if k.startswith("p:")}
        cpi, food = int(p["jiage.cpi_yoy"]), int(p["jiage.food_cpi_yoy"])
        triggered = [r for r, t in ((cpi, "jiage.cpi_trigger"), (food, "jiage.food_cpi_trigger")) if r >= int(p[t])]
        if not triggered:
            continue
        rise = format((Decimal(max(triggered)) / 100).normalize(), "f")
        note = messages.msg(
            "%(y)s年%(m)s月价格临时补贴（物价同比涨幅 %(r)s%%）", y=str(month.year), m=str(month.month), r=str(rise)
        )
        for urban in (True, False):
            award = jiage_butie(p, urban=urban, persons=1, cpi=cpi, food_cpi=food)
            table.append((row["region"], urban, award.amount, note))
    if not table:
        return _empty()
    amounts = pl.DataFrame(
        table,
        schema={"region": pl.String, "urban": pl.Boolean, "amount_fen": pl.Int64, "note": pl.String},
        orient="row",
    )
    # The region's households by one read (a million ids do not belong in an IN list), or the few asked for.
    where = prefix_q(prefix) if households is None else Q(pk__in=households)
    areas = read_frame(
        Household.objects.filter(where).order_by().values_list("pk", "area"),
        {"household_id": pl.Int64, "area": pl.String},
    ).with_columns(urban=pl.col("area") == Area.URBAN.value)
    frame = covered.join(areas, on="household_id").join(amounts, on=["region", "urban"])
    return _person_lines(
        frame, month=month, program=JIAGE, kind=LineKind.ONE_OFF, key=_PERSON_KEY[JIAGE](month), note=pl.col("note")
    )


def _jiage_waited(*, month: dt.date, prefix: str, params: pl.DataFrame, memo: Memo) -> pl.DataFrame:
    """The 价格临时补贴 of the months whose payroll held a household back while the bank's refusal of its
    account waited for the clerk (payroll generation leaves flagged households out): paid, for those months,
    in the first payroll after the correction, as regular pay is (services.arrears). Only flags resolved since
    the previous payroll are looked at, like arrears' candidates; the months are those of the payrolls
    generated while the flag was open. What was paid already is left out by its key."""
    rises = params.filter(pl.col("key").is_in(_JIAGE_RISES))["value"].to_list()
    if not any(Decimal(v) > 0 for v in rises):
        return _empty()
    flags = AccountFlag.objects.filter(prefix_q(prefix), resolved_at__isnull=False)
    since = previous_generated_at(month)
    if since is not None:
        flags = flags.filter(resolved_at__gte=since)
    held: dict[dt.date, set[int]] = {}
    for household, raised, resolved in flags.values_list("household_id", "raised_at", "resolved_at"):
        months = Payroll.objects.filter(
            prefix_q(prefix) | Q(region_code__in=_ancestors(prefix)),
            month__lt=month,
            generated_at__gte=raised,
            generated_at__lt=resolved,
        ).values_list("month", flat=True)
        for m in months:
            held.setdefault(m, set()).add(household)
    frames = [
        _jiage_lines(month=m, prefix=prefix, params=params, memo=memo, households=households)
        for m, households in sorted(held.items())
    ]
    return pl.concat([_empty(), *frames], how="vertical")


def _ancestors(prefix: str) -> list[str]:
    """The 12-digit codes above a region prefix: a county payroll holds a township's households too."""
    return [prefix[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n < len(prefix)]


def _returned_lines(*, month: dt.date, prefix: str, program: str) -> pl.DataFrame:
    """One-off lines of earlier payrolls the bank returned and no line has paid since: offered again as they
    were (their month, amount and key). A household whose account still waits is left out by the payroll."""
    paid = PayrollLine.objects.filter(kind=OuterRef("kind"), source_key=OuterRef("source_key")).exclude(
        status=LineStatus.FAILED
    )
    failed = PayrollLine.objects.filter(
        prefix_q(prefix), status=LineStatus.FAILED, kind__in=[LineKind.ONE_OFF, LineKind.INSURANCE]
    ).filter(payroll__month__lt=month)
    if program:
        failed = failed.filter(program=program)
    # Newest first: a key returned twice is offered once, as last paid.
    keyed = failed.exclude(source_key="").filter(~Exists(paid)).order_by("-id")
    columns = ["household_id", "entitlement_id", "program", "service_month", "kind", "amount_fen", "note"]
    frame = pl.DataFrame(list(keyed.values_list(*columns, "source_key")), schema=ONE_OFF_SCHEMA, orient="row")
    return frame.unique("source_key", keep="first", maintain_order=True)


def _person_lines(
    frame: pl.DataFrame, *, month: dt.date, program: str, kind: LineKind, key: str, note: str | pl.Expr
) -> pl.DataFrame:
    # A person in two programmes at once (it should not happen) is paid once, the larger amount.
    frame = frame.filter(pl.col("amount_fen") > 0).sort("amount_fen", "person_id", descending=[True, False])
    return (
        frame.unique("person_id", keep="first", maintain_order=True)
        .select(
            "household_id",
            pl.lit(None, dtype=pl.Int64).alias("entitlement_id"),
            pl.lit(program).alias("program"),
            pl.lit(month).alias("service_month"),
            pl.lit(kind.value).alias("kind"),
            pl.col("amount_fen").cast(pl.Int64),
            (pl.lit(note) if isinstance(note, str) else note).alias("note"),
            pl.format(f"{key}:{{}}", "person_id").alias("source_key"),
        )
        .cast(ONE_OFF_SCHEMA)  # type: ignore[arg-type]
    )


# The month's key of the one-offs paid per person and recovered after a death (_person_lines adds the
# person: weiwen:2027:42, jiage:202705:42).
_PERSON_KEY: dict[str, Callable[[dt.date], str]] = {
    WEIWEN: lambda month: f"weiwen:{month.year}",
    JIAGE: lambda month: f"jiage:{month:%Y%m}",
}


def _keyed_lines(kind: LineKind, keys: list[str], *fields: str) -> list[tuple[Any, ...]]:
    """`fields` of the lines of `kind` that pay `keys` (the bank did not return them), by IN lists of a bounded
    length."""
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(keys), 1_000):
        lines = PayrollLine.objects.filter(source_key__in=keys[i : i + 1_000], kind=kind)
        rows += lines.exclude(status=LineStatus.FAILED).values_list(*fields)
    return rows


def _death_recoveries(*, month: dt.date, prefix: str, program: str) -> pl.DataFrame:
    """Recovery lines (扣回) for the per-person one-offs (慰问金, 价格临时补贴) a payroll paid for a month its
    person had not lived to see — the death recorded after the payment. Each is taken back whole, once, keyed
    as the line it takes back (one_off_paid_once holds the recovery, collection_once_per_key the part
    payroll generation puts on the collection list when the household has too little left). Only deaths
    recorded since the previous payroll began are looked at (arrears' candidates: a normal month costs one
    small query), within the months back pay and recovery reach (payments.arrears.window_months); 资助参保
    paid to the insurance fund is the fund's to settle."""
    programs = [p for p in _PERSON_KEY if program in ("", p)]
    if not programs:
        return _empty()
    since = previous_generated_at(month)
    if since is None:
        return _empty()  # no payroll before this one: nothing was paid
    dead = Person.objects.filter(
        prefix_q(prefix), date_of_death__isnull=False, date_of_death__lt=month, updated_at__gte=since
    )
    died: dict[int, dt.date] = {pk: day for pk, day in dead.values_list("pk", "date_of_death") if day is not None}
    if not died:
        return _empty()
    window = arrears.payment_parameter(arrears.WINDOW_MONTHS, region_code=prefix, on=month)
    lo = max(add_months(month, -window), first_of_month(min(died.values())))
    months = [add_months(lo, i) for i in range((month.year - lo.year) * 12 + month.month - lo.month)]
    keys = {f"{_PERSON_KEY[p](m)}:{pk}" for pk, death in died.items() for m in months if m > death for p in programs}
    fields = ("household_id", "program", "service_month", "amount_fen", "note", "source_key")
    paid = _keyed_lines(LineKind.ONE_OFF, sorted(keys), *fields)
    # Paid for a month the person was dead at its start (alive on its first day is covered: _covered_read).
    paid = [r for r in paid if r[2] > died[int(r[5].rpartition(":")[2])]]
    found = [r[5] for r in paid]
    taken = {key for (key,) in _keyed_lines(LineKind.RECOVERY, found, "source_key")}
    taken |= set(Collection.objects.filter(source_key__in=found).values_list("source_key", flat=True))
    rows = [
        (h, None, p, m, LineKind.RECOVERY.value, -amount, messages.msg("%(m)s 死亡扣回：%(what)s", m=f"{m:%Y-%m}",
                                                                       what=note), key)
        for h, p, m, amount, note, key in paid
        if key not in taken
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=ONE_OFF_SCHEMA, orient="row")


def _grant_lines(*, month: dt.date, prefix: str, program: str) -> pl.DataFrame:
    """Grants decided by the end of `month` and not yet paid (no line, or the bank returned it)."""
    grants = OneOffGrant.objects.filter(prefix_q(prefix), decided_on__lt=next_month(month))
    grants = grants.filter(Q(line__isnull=True) | Q(line__status=LineStatus.FAILED))
    if program:
        grants = grants.filter(program=program)
    rows = [
        (h, None, p, month, LineKind.ONE_OFF.value, int(a * 100), n or _("一次性救助"), k)
        for h, p, a, n, k in grants.values_list("household_id", "program", "amount", "note", "source_key")
    ]
    return pl.DataFrame(rows, schema=ONE_OFF_SCHEMA, orient="row")


def _already_paid(*, month: dt.date, since: dt.date, prefix: str, keys: list[str]) -> pl.DataFrame:
    """The keys among `keys` a line from `since` (the year's start or the earliest month offered, if earlier)
    already pays (and the bank did not return)."""
    year = dt.date(month.year, 1, 1)
    paid = (
        PayrollLine.objects.filter(prefix_q(prefix), kind__in=[LineKind.ONE_OFF, LineKind.INSURANCE])
        .filter(service_month__gte=min(year, since), service_month__lt=year.replace(year=year.year + 1))
        .exclude(status=LineStatus.FAILED)
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )
    wanted = set(keys)
    # A grant paid in an earlier year keeps its line; those are matched by key, they are few.
    grants = [k for k in keys if not k.startswith(("weiwen:", "canbao:", "jiage:"))]
    earlier = PayrollLine.objects.filter(source_key__in=grants).exclude(status=LineStatus.FAILED)
    found = {k for k in paid if k in wanted} | set(earlier.values_list("source_key", flat=True))
    return pl.DataFrame({"source_key": sorted(found)}, schema={"source_key": pl.String})


def one_off_lines(*, month: dt.date, region: Region, program: str = "") -> pl.DataFrame:
    """The one-off lines a payroll of `month` for `region` and `program` ("" = all) adds: columns of
    ONE_OFF_SCHEMA, none already paid. Kind INSURANCE lines are paid to the medical insurance fund."""
    month = first_of_month(month)
    prefix = region.prefix
    frames = [
        _grant_lines(month=month, prefix=prefix, program=program),
        _returned_lines(month=month, prefix=prefix, program=program),
    ]
    if program in ("", WEIWEN, CANBAO, JIAGE):
        params, memo = _params(region), Memo()
        if program in ("", WEIWEN):
            frames.append(_weiwen_lines(month=month, prefix=prefix, params=params, memo=memo))
            frames.append(_weiwen_waited(month=month, prefix=prefix, params=params, memo=memo))
        if program in ("", CANBAO):
            frames.append(_canbao_lines(month=month, prefix=prefix, params=params, memo=memo))
        if program in ("", JIAGE):
            frames.append(_jiage_lines(month=month, prefix=prefix, params=params, memo=memo))
            frames.append(_jiage_waited(month=month, prefix=prefix, params=params, memo=memo))
    # One line per key: a weiwen month moved within the year must not offer the same person twice.
    lines = pl.concat(frames, how="vertical").unique("source_key", keep="first", maintain_order=True)
    recoveries = _death_recoveries(month=month, prefix=prefix, program=program)
    if lines.height == 0:
        return recoveries
    since = lines["service_month"].min()
    assert isinstance(since, dt.date)
    paid = _already_paid(month=month, since=since, prefix=prefix, keys=lines["source_key"].to_list())
    return pl.concat([lines.join(paid, on="source_key", how="anti"), recoveries], how="vertical")


def fund_payee(lines: pl.DataFrame) -> pl.DataFrame:
    """资助参保 lines are paid to the fund: its name as payee, no household account copied onto them."""
    fund = pl.col("kind") == LineKind.INSURANCE.value
    return lines.with_columns(
        payee_name=pl.when(fund).then(pl.lit(FUND_PAYEE)).otherwise(pl.col("payee_name")),
        bank_name=pl.when(fund).then(pl.lit("")).otherwise(pl.col("bank_name")),
        account_enc=pl.when(fund).then(pl.lit("")).otherwise(pl.col("account_enc")),
        account_masked=pl.when(fund).then(pl.lit("")).otherwise(pl.col("account_masked")),
    )


def one_off_grants_link(*, payroll: Payroll) -> int:
    """Ties the grants this payroll pays to their lines (call inside its generation's transaction)."""
    lines = dict(
        PayrollLine.objects.filter(payroll=payroll, kind=LineKind.ONE_OFF)
        .exclude(source_key="")
        .exclude(source_key__startswith="weiwen:")
        .exclude(source_key__startswith="jiage:")
        .values_list("source_key", "id")
    )
    grants = list(OneOffGrant.objects.filter(source_key__in=list(lines)))
    for grant in grants:
        grant.line_id = lines[grant.source_key]
    OneOffGrant.objects.bulk_update(grants, ["line"])
    return len(grants)


def one_off_grant_record(
    *,
    actor: User | None,
    household: Household,
    program: str,
    amount: Decimal,
    source_key: str,
    decided_on: dt.date,
    note: str = "",
) -> OneOffGrant:
    """A one-off amount decided for a household, for the next payroll to pay. Recording the same
    `source_key` again returns the grant already recorded, unchanged."""
    existing = OneOffGrant.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    if amount <= 0:
        raise ValidationError({"amount": _("发放金额应大于 0")})
    grant = OneOffGrant.objects.create(
        household=household,
        region_code=household.region_code,
        program=program,
        amount=amount,
        source_key=source_key,
        decided_on=decided_on,
        note=note[:200],
        created_by=actor,
    )
    audit_record(
        actor=actor or "system",
        action=AuditAction.CREATE,
        object_type="one_off_grant",
        object_id=grant.pk,
        region_code=household.region_code,
        summary=_("%(h)s 一次性救助 %(a)s 元待发放") % {"h": household.number, "a": amount},
    )
    return grant
