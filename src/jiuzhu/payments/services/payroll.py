"""The month's money: generating a payroll from the entitlements (set-based, Polars in, bulk insert out), and
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
from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import bulk_insert, read_frame
from jiuzhu.core.models import AuditAction
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


def _regular_lines(*, month: dt.date, prefix: str, program: str) -> pl.DataFrame:
    """One line per entitlement paying in `month` (Entitlement.pays_in as a filter), amount in fen. The fen
    are computed by the database (amounts have two decimals, so rounding the hundredfold is exact), which
    spares a million Decimal conversions in Python."""
    qs = Entitlement.objects.filter(prefix_q(prefix), start_month__lte=month)
    qs = qs.filter(Q(end_month__isnull=True) | Q(end_month__gte=month)).exclude(suspended_from__lte=month)
    if program:
        qs = qs.filter(program=program)
    fen = Cast(Round(F("monthly_amount") * Value(Decimal(100))), BigIntegerField())
    frame = read_frame(
        # No ORDER BY: the lines are sorted once, after the joins.
        qs.annotate(fen=fen).order_by().values_list("household_id", "id", "program", "fen"),
        {"household_id": pl.Int64, "entitlement_id": pl.Int64, "program": pl.String, "amount_fen": pl.Int64},
    )
    return frame.filter(pl.col("amount_fen") > 0).select(
        "household_id",
        "entitlement_id",
        "program",
        pl.lit(month).alias("service_month"),
        pl.lit(LineKind.REGULAR.value).alias("kind"),
        "amount_fen",
        pl.lit("").alias("note"),
    )


def _already_paid(*, month: dt.date, prefix: str) -> pl.DataFrame:
    """Entitlement months some other payroll already pays (a township payroll beside a county one): skipped,
    so the database constraint regular_month_paid_once is never the first line of defence."""
    qs = (
        PayrollLine.objects.filter(prefix_q(prefix), kind=LineKind.REGULAR, service_month=month)
        .exclude(status=LineStatus.FAILED)
        .order_by()
        .values_list("entitlement_id")
    )
    return read_frame(qs, {"entitlement_id": pl.Int64})


def _flagged_households(prefix: str) -> pl.DataFrame:
    rows = list(
        AccountFlag.objects.filter(prefix_q(prefix), resolved_at__isnull=True)
        .values_list("household_id", flat=True)
        .distinct()
    )
    return pl.DataFrame({"household_id": rows}, schema={"household_id": pl.Int64})


def _payees(prefix: str) -> pl.DataFrame:
    """The payee of every household in the region: its head, its account as stored (encrypted and masked)."""
    qs = (
        Household.objects.filter(prefix_q(prefix))
        .order_by()
        .values_list("id", "region_code", "head_name", "bank_name", "bank_account_enc", "bank_account_masked")
    )
    names = ["household_id", "region_code", "payee_name", "bank_name", "account_enc", "account_masked"]
    schema: dict[str, pl.DataType | type[pl.DataType]] = dict.fromkeys(names, pl.String)
    schema["household_id"] = pl.Int64
    return read_frame(qs, schema)


def _quiet(_percent: int, _stage: str) -> None:
    pass


def payroll_lines_frame(
    *, month: dt.date, region: Region, program: str = "", progress: Progress = _quiet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What a payroll of `month` for `region` would hold, without writing anything: the lines (PayrollLine
    columns except payroll_id) and the collections (追缴) the recoveries leave over. `progress` hears of
    each step, from 5 to 40 %."""
    month = first_of_month(month)
    prefix = region.prefix
    progress(5, _("读取待遇"))
    regular = _regular_lines(month=month, prefix=prefix, program=program)
    regular = regular.join(_already_paid(month=month, prefix=prefix), on="entitlement_id", how="anti")
    progress(20, _("计算补发与扣回"))
    adjust = arrears.adjustments(month=month, region_code_prefix=prefix, program=program).select(_LINE_COLUMNS)
    adjust = adjust.cast(arrears.LINE_SCHEMA)  # type: ignore[arg-type]
    progress(28, _("计算一次性发放"))
    extra = oneoff.one_off_lines(month=month, region=region, program=program)
    progress(33, _("核对收款账户"))
    fund = pl.col("kind") == LineKind.INSURANCE.value
    no_key = pl.lit("").alias("source_key")
    lines = pl.concat([regular.with_columns(no_key), adjust.with_columns(no_key), extra.filter(~fund)])
    # A household whose account the bank refused waits: its money is paid as back pay once corrected.
    lines = lines.join(_flagged_households(prefix), on="household_id", how="anti")
    lines, collections = arrears.cap_recoveries(lines, payroll_month=month, region_code=region.code)
    # 资助参保 goes to the insurance fund: neither a refused household account nor a recovery touches it.
    lines = pl.concat([lines, extra.filter(fund)])
    payees = _payees(prefix)
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
        source_key=pl.when(pl.col("kind").is_in([LineKind.BACKPAY.value, LineKind.RECOVERY.value]))
        .then(adjustment_key)
        .otherwise(pl.col("source_key")),
        failure_reason=pl.lit(""),
    )
    lines = oneoff.fund_payee(lines)
    lines = lines.sort(["region_code", "household_id", "program", "service_month", "kind"])
    progress(40, _("写入发放明细"))
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
    writing = _("写入发放明细")

    def inserted(done: int, total: int) -> None:
        report(40 + 55 * done // max(total, 1), writing)

    try:
        with transaction.atomic():
            # The unique constraint payroll_once_per_scope is the lock: a second process blocks on it here
            # (PostgreSQL) or on the write lock (SQLite) until the first commits, then fails and reads it.
            payroll = Payroll.objects.create(
                month=month, region=region, region_code=region.code, program=program, generated_by=actor
            )
            lines, collections = payroll_lines_frame(month=month, region=region, program=program, progress=report)
            bulk_insert(
                PayrollLine, lines.with_columns(payroll_id=pl.lit(payroll.pk, dtype=pl.Int64)), progress=inserted
            )
            report(96, _("汇总与留痕"))
            arrears.collections_insert(collections=collections, payroll=payroll)
            oneoff.one_off_grants_link(payroll=payroll)
            payroll.line_count = lines.height
            payroll.total_fen = int(lines["amount_fen"].sum()) if lines.height else 0
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
