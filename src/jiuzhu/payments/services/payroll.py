"""The month's money: generating a payroll from the entitlements (set-based: the regular lines by one
INSERT … SELECT in the database, the adjustments and one-offs through Polars and a bulk insert), and
the maker-checker steps that take it from draft to approved.

A payroll is a snapshot. Once generated it is never recomputed; a later change to an entitlement becomes an
adjustment line of a later payroll (services.arrears). A draft may be discarded and generated again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, CharField, Count, DateField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import bulk_insert, insert_select, read_frame
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import FenOf
from jiuzhu.core.scope import prefix_q, require_scope
from jiuzhu.payments import hooks
from jiuzhu.payments.models import (
    AccountFlag,
    Collection,
    Entitlement,
    LineKind,
    LineStatus,
    Payroll,
    PayrollLine,
    PayrollStatus,
    first_of_month,
)
from jiuzhu.payments.services import arrears, oneoff
from jiuzhu.regions.models import Level, Region
from jiuzhu.registry.models import Household

Progress = Callable[[int, str], None]  # percent 0..100, stage

_LINE_COLUMNS = list(arrears.LINE_SCHEMA)


def _require(actor: User | None, capability: Capability) -> None:
    # actor None is the system operator on the command line: it already holds the server and its database.
    if actor is not None and not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


_REGULAR_COLUMNS = [
    "payroll_id",
    "household_id",
    "region_code",
    "program",
    "entitlement_id",
    "kind",
    "service_month",
    "amount_fen",
    "source_key",
    "payee_name",
    "bank_name",
    "account_enc",
    "account_masked",
    "status",
    "failure_reason",
    "note",
]


def _overlapping(payroll: Payroll) -> bool:
    """Whether another payroll of the same month may pay some of this one's entitlements (a township's beside
    its county's, one programme's beside all programmes'): only then can a regular line of the month exist."""
    prefix = payroll.region.prefix
    for other in Payroll.objects.filter(month=payroll.month).exclude(pk=payroll.pk).select_related("region"):
        nested = other.region_code.startswith(prefix) or payroll.region_code.startswith(other.region.prefix)
        if nested and (not other.program or not payroll.program or other.program == payroll.program):
            return True
    return False


def _regular_select(
    *, payroll_id: int, month: dt.date, prefix: str, program: str, overlapping: bool, flagged: bool
) -> QuerySet[Entitlement]:
    """The regular lines of `month` as a values_list in _REGULAR_COLUMNS' order, for one INSERT … SELECT:
    one line per entitlement paying in `month` (Entitlement.pays_in as a filter) whose household lies in the
    region, with its payee as stored (head, bank, account encrypted and masked: the snapshot the bank file
    prints). Left out: a month some other payroll already pays (a township payroll beside a county one: so
    the constraint regular_month_paid_once is never the first line of defence), and a household whose account
    the bank refused (its money waits, paid as back pay once corrected). The fen are computed by the database
    (amounts have two decimals, so rounding the hundredfold is exact)."""
    qs = Entitlement.objects.filter(
        prefix_q(prefix), prefix_q(prefix, "household__region_code"), start_month__lte=month
    )
    qs = qs.filter(Q(end_month__isnull=True) | Q(end_month__gte=month)).exclude(suspended_from__lte=month)
    if program:
        qs = qs.filter(program=program)
    fen = FenOf("monthly_amount")
    qs = qs.annotate(fen=fen).filter(fen__gt=0)
    # The two exclusions are asked for only when something can match (the caller knows): a first payroll
    # written into an empty lines table would otherwise be planned (PostgreSQL) as a scan of that table per
    # entitlement, a table the statement itself is filling.
    if overlapping:
        paid = PayrollLine.objects.filter(
            entitlement_id=OuterRef("pk"), kind=LineKind.REGULAR, service_month=month
        ).exclude(status=LineStatus.FAILED)
        qs = qs.filter(~Exists(paid))
    if flagged:
        refused = AccountFlag.objects.filter(household_id=OuterRef("household_id"), resolved_at__isnull=True)
        qs = qs.filter(~Exists(refused))
    text: CharField[str, str] = CharField()
    return qs.order_by().values_list(
        Value(payroll_id, output_field=BigIntegerField()),
        "household_id",
        "household__region_code",
        "program",
        "id",
        Value(LineKind.REGULAR.value, output_field=text),
        Value(month, output_field=DateField()),
        "fen",
        Value("", output_field=text),
        "household__head_name",
        "household__bank_name",
        "household__bank_account_enc",
        "household__bank_account_masked",
        Value(LineStatus.PENDING.value, output_field=text),
        Value("", output_field=text),
        Value("", output_field=text),
    )


def _flagged_households(prefix: str) -> pl.DataFrame:
    rows = list(
        AccountFlag.objects.filter(prefix_q(prefix), resolved_at__isnull=True)
        .values_list("household_id", flat=True)
        .distinct()
    )
    return pl.DataFrame({"household_id": rows}, schema={"household_id": pl.Int64})


_IN_CHUNK = 5_000  # ids per IN (…): well under SQLite's limit of bound variables


_PAYEE_COLUMNS = ["region_code", "payee_name", "bank_name", "account_enc", "account_masked"]
_PAYEE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {"household_id": pl.Int64}
_PAYEE_SCHEMA |= dict.fromkeys(_PAYEE_COLUMNS, pl.String)


def _chunked(household_ids: list[int], read: Callable[[list[int]], pl.DataFrame]) -> list[pl.DataFrame]:
    return [read(household_ids[i : i + _IN_CHUNK]) for i in range(0, len(household_ids), _IN_CHUNK)]


def _payees(prefix: str, household_ids: list[int]) -> pl.DataFrame:
    """The payee of these households in the region: its head, its account as stored (encrypted and masked)."""

    def read(ids: list[int]) -> pl.DataFrame:
        rows = Household.objects.filter(prefix_q(prefix), pk__in=ids).order_by()
        columns = ("id", "region_code", "head_name", "bank_name", "bank_account_enc", "bank_account_masked")
        return read_frame(rows.values_list(*columns), _PAYEE_SCHEMA)

    return pl.concat([pl.DataFrame(schema=_PAYEE_SCHEMA), *_chunked(household_ids, read)])


def _regular_written(payroll_id: int, household_ids: list[int]) -> pl.DataFrame:
    """The regular lines already written into the payroll for these households (LINE_SCHEMA and the payee):
    what their recoveries may be taken from, and the payee their other lines must name too (a household's
    account corrected while the payroll is written must not give its lines two different accounts)."""
    schema = arrears.LINE_SCHEMA | {c: t for c, t in _PAYEE_SCHEMA.items() if c != "household_id"}

    def read(ids: list[int]) -> pl.DataFrame:
        qs = PayrollLine.objects.filter(payroll_id=payroll_id, kind=LineKind.REGULAR, household_id__in=ids)
        return read_frame(qs.order_by().values_list(*arrears.LINE_SCHEMA, *_PAYEE_COLUMNS), schema)

    return pl.concat([pl.DataFrame(schema=schema), *_chunked(household_ids, read)])


def _quiet(_percent: int, _stage: str) -> None:
    pass


def _other_lines(
    *, payroll_id: int, month: dt.date, region: Region, program: str, progress: Progress = _quiet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every line of the payroll but the regular ones (PayrollLine columns but payroll_id): back pay, recovery,
    one-off, 资助参保 — a few thousand at most — and the collections (追缴) the recoveries leave over. Call
    after the regular lines are written (_regular_select): a recovery is taken from what the household
    receives in this payroll, its regular lines included. `progress` hears of each step, from 50 to 90 %."""
    prefix = region.prefix
    progress(50, _("计算补发与扣回"))
    adjust = arrears.adjustments(month=month, region_code_prefix=prefix, program=program).select(_LINE_COLUMNS)
    adjust = adjust.cast(arrears.LINE_SCHEMA)  # type: ignore[arg-type]
    progress(70, _("计算一次性发放"))
    extra = oneoff.one_off_lines(month=month, region=region, program=program)
    progress(80, _("核对收款账户"))
    fund = pl.col("kind") == LineKind.INSURANCE.value
    no_key = pl.lit("").alias("source_key")
    lines = pl.concat([adjust.with_columns(no_key), extra.filter(~fund)])
    # A household whose account the bank refused waits: its money is paid as back pay once corrected.
    lines = lines.join(_flagged_households(prefix), on="household_id", how="anti")
    written = _regular_written(payroll_id, lines["household_id"].unique().sort().to_list())
    capped, collections = arrears.cap_recoveries(
        pl.concat([written.select(*_LINE_COLUMNS, no_key), lines]), payroll_month=month, region_code=region.code
    )
    lines = capped.filter(pl.col("kind") != LineKind.REGULAR.value)
    # 资助参保 goes to the insurance fund: neither a refused household account nor a recovery touches it.
    lines = pl.concat([lines, extra.filter(fund)])
    # The payee as the household's regular line has it, else as the household has it now.
    payees = written.select("household_id", *_PAYEE_COLUMNS).unique("household_id", keep="first")
    others = lines.join(payees, on="household_id", how="anti")["household_id"].unique().sort().to_list()
    payees = pl.concat([payees, _payees(prefix, others)])
    # An adjustment of one month, settled in this payroll month, is keyed: two overlapping payrolls (a
    # county's and a township's generated at the same moment) cannot both pay it (one_off_paid_once).
    adjustment_key = pl.format(
        "adj:{}:{}:{}",
        pl.coalesce(pl.col("entitlement_id").cast(pl.String), pl.format("h{}", "household_id")),
        pl.col("service_month").dt.strftime("%Y%m"),
        pl.lit(f"{month:%Y%m}"),
    )
    lines = lines.join(payees, on="household_id", how="inner").with_columns(
        status=pl.lit(LineStatus.PENDING.value),
        # A one-off's recovery keeps the key of the line it takes back (services.oneoff).
        source_key=pl.when(
            pl.col("kind").is_in([LineKind.BACKPAY.value, LineKind.RECOVERY.value]) & (pl.col("source_key") == "")
        )
        .then(adjustment_key)
        .otherwise(pl.col("source_key")),
        failure_reason=pl.lit(""),
    )
    lines = oneoff.fund_payee(lines)
    lines = lines.sort(["region_code", "household_id", "program", "service_month", "kind"])
    return lines, collections


def _scope_region(actor: User | None, region: Region) -> None:
    if region.level > Level.TOWNSHIP:
        raise ValidationError({"region": _("发放批次按县或乡镇（街道）生成")})
    if actor is not None:
        require_scope(actor, region.code)


def payroll_generate(
    *,
    actor: User | None,
    month: dt.date,
    region: Region,
    program: str = "",
    progress: Progress | None = None,
) -> Payroll:
    """The payroll of `month` for `region` and `program` ("" = every programme). Generating again returns
    the existing payroll unchanged; of two processes at once one writes it and the other gets it."""
    _require(actor, Capability.GENERATE_PAYROLL)
    _scope_region(actor, region)
    month = first_of_month(month)
    existing = Payroll.objects.filter(month=month, region=region, program=program).first()
    if existing is not None:
        return existing
    report = progress if progress is not None else _quiet
    try:
        with transaction.atomic():
            # The unique constraint payroll_once_per_scope is the lock: a second process blocks on it here
            # (PostgreSQL) or on the write lock (SQLite) until the first commits, then fails and reads it.
            payroll = Payroll.objects.create(
                month=month, region=region, region_code=region.code, program=program, generated_by=actor
            )
            report(5, _("写入按月发放明细"))
            # The regular lines, a million in a large county, go from the entitlements and households into
            # the lines' table by one INSERT … SELECT inside the database: no round trip through Python.
            regular = _regular_select(
                payroll_id=payroll.pk,
                month=month,
                prefix=region.prefix,
                program=program,
                overlapping=_overlapping(payroll),
                flagged=_flagged_households(region.prefix).height > 0,
            )
            insert_select(PayrollLine, _REGULAR_COLUMNS, regular)
            lines, collections = _other_lines(
                payroll_id=payroll.pk, month=month, region=region, program=program, progress=report
            )
            report(90, _("写入发放明细"))
            bulk_insert(PayrollLine, lines.with_columns(payroll_id=pl.lit(payroll.pk, dtype=pl.Int64)))
            report(96, _("汇总与留痕"))
            arrears.collections_insert(collections=collections, payroll=payroll)
            oneoff.one_off_grants_link(payroll=payroll)
            totals = PayrollLine.objects.filter(payroll_id=payroll.pk).aggregate(n=Count("id"), t=Sum("amount_fen"))
            payroll.line_count = int(totals["n"] or 0)
            payroll.total_fen = int(totals["t"] or 0)
            payroll.save(update_fields=["line_count", "total_fen"])
            audit_record(
                actor=actor or "system",
                action=AuditAction.CREATE,
                object_type="payroll",
                object_id=payroll.pk,
                region_code=region.code,
                summary=_("生成发放批次 %(p)s：%(n)d 笔，合计 %(t)s 元")
                % {"p": payroll, "n": payroll.line_count, "t": fen_to_yuan(payroll.total_fen)},
                after={"line_count": payroll.line_count, "total_fen": payroll.total_fen},
            )
            report(100, _("完成"))
    except IntegrityError:
        existing = Payroll.objects.filter(month=month, region=region, program=program).first()
        if existing is None:
            raise
        return existing
    return payroll


def fen_to_yuan(fen: int) -> Decimal:
    """12345 → Decimal('123.45'), exact, for display and the command line's contract."""
    return Decimal(fen).scaleb(-2)


def _locked(payroll: Payroll) -> Payroll:
    return Payroll.objects.select_for_update().get(pk=payroll.pk)


def _audit_state(actor: User, payroll: Payroll, summary: str, before: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="payroll",
        object_id=payroll.pk,
        region_code=payroll.region_code,
        summary=summary,
        before={"status": before},
        after={"status": payroll.status},
    )


_ORDER = [PayrollStatus.DRAFT, PayrollStatus.CHECKED, PayrollStatus.APPROVED, PayrollStatus.EXPORTED]
_ORDER += [PayrollStatus.RECONCILED]


def _past(payroll: Payroll, status: PayrollStatus) -> bool:
    return _ORDER.index(PayrollStatus(payroll.status)) >= _ORDER.index(status)


def _second_person_step(
    *, actor: User, payroll: Payroll, to: PayrollStatus, capability: Capability, refusal: str, unready: str = ""
) -> tuple[Payroll, bool]:
    """The steps of maker-checker: taken from the status just before `to` (else `unready`, when given), by
    someone other than the generator, under a row lock; taking one again adds nothing. Returns the payroll
    and whether it moves."""
    _require(actor, capability)
    require_scope(actor, payroll.region_code)
    payroll = _locked(payroll)
    if _past(payroll, to):
        return payroll, False
    if unready and _ORDER.index(PayrollStatus(payroll.status)) != _ORDER.index(to) - 1:
        raise ValidationError(unready)
    if payroll.generated_by_id is not None and payroll.generated_by_id == actor.pk:
        raise PermissionDenied(refusal)
    return payroll, True


@transaction.atomic
def payroll_check(*, actor: User, payroll: Payroll) -> Payroll:
    """The second person's check (maker-checker): never the one who generated it. Checking again adds nothing."""
    payroll, moves = _second_person_step(
        actor=actor,
        payroll=payroll,
        to=PayrollStatus.CHECKED,
        capability=Capability.CHECK_PAYROLL,
        refusal=_("复核须由生成人以外的人员进行"),
    )
    if moves:
        payroll.status, payroll.checked_by, payroll.checked_at = PayrollStatus.CHECKED, actor, timezone.now()
        payroll.save(update_fields=["status", "checked_by", "checked_at"])
        _audit_state(actor, payroll, _("复核发放批次 %(p)s") % {"p": payroll}, PayrollStatus.DRAFT)
    return payroll


@transaction.atomic
def payroll_approve(*, actor: User, payroll: Payroll) -> Payroll:
    """Approval after the check, by someone other than the generator. Approving again adds nothing."""
    payroll, moves = _second_person_step(
        actor=actor,
        payroll=payroll,
        to=PayrollStatus.APPROVED,
        capability=Capability.APPROVE_PAYROLL,
        refusal=_("审批须由生成人以外的人员进行"),
        unready=_("发放批次须先经复核才能审批"),
    )
    if moves:
        payroll.status, payroll.approved_by, payroll.approved_at = PayrollStatus.APPROVED, actor, timezone.now()
        payroll.save(update_fields=["status", "approved_by", "approved_at"])
        _audit_state(actor, payroll, _("审批发放批次 %(p)s") % {"p": payroll}, PayrollStatus.CHECKED)
        hooks.payroll_paid(month=payroll.month)
    return payroll


@transaction.atomic
def payroll_discard(*, actor: User, payroll: Payroll) -> None:
    """Deletes a draft with its lines and collections, so it can be generated again from today's data."""
    _require(actor, Capability.GENERATE_PAYROLL)
    require_scope(actor, payroll.region_code)
    payroll = _locked(payroll)
    if payroll.status != PayrollStatus.DRAFT:
        raise ValidationError(_("只能作废待复核的发放批次"))
    summary = _("作废发放批次 %(p)s（%(n)d 笔）") % {"p": payroll, "n": payroll.line_count}
    pk, region_code = payroll.pk, payroll.region_code
    Collection.objects.filter(payroll=payroll).delete()
    PayrollLine.objects.filter(payroll=payroll).delete()
    payroll.delete()
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type="payroll",
        object_id=pk,
        region_code=region_code,
        summary=summary,
    )
