"""提标 apply: a saved change of a standard re-decides the running entitlements from its effective date.

Every household under the region is evaluated by the engine twice on the effective date, with the
parameters in force the day before and with those in force that day: the difference is the effect of the
change alone (what the 提标影响测算 page shows), so an age or income change since the last decision is
left to the review that is due for it. A rise becomes a new link of the entitlement chain from the
effective month (cause recompute), retroactive when the date is past: the months already paid at the old
amount become back pay in the next payroll (arrears.adjustments). A fall is never applied here: it is
listed for a person to decide, with a written notice, as a reduction needs ([57] 第三十二条).

Set-based: one read of the households and entitlements into Polars, bulk writes of the new links (naming the
old links' list of covered persons, not copying it) and their events, one UPDATE for the old links, one audit
entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ForeignKey, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import messages
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import big_write_cache, read_frame, reserve_ids
from jiuzhu.core.models import AuditAction
from jiuzhu.core.money import FenOf, fen_to_yuan
from jiuzhu.core.scope import in_scope, prefix_q, wide_prefix_q
from jiuzhu.payments.hooks import entitlements_replaced
from jiuzhu.payments.models import (
    Cause,
    Entitlement,
    EntitlementEvent,
    EntitlementStatus,
    EventKind,
    add_months,
    first_of_month,
)
from jiuzhu.policy import inputs
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.parameters import parameter_label
from jiuzhu.policy.rules import MONTHLY_PROGRAMS, PARAMETER_SPECS, evaluate
from jiuzhu.policy.selectors import ancestor_codes, parameters_frame
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person

_CHUNK = 10_000


@dataclass(frozen=True)
class ForDecision:
    """An entitlement the recompute did not change, for a person to decide (a fall, or no single link)."""

    entitlement_id: int
    household_id: int
    number: str
    program: str
    current: Decimal
    proposed: Decimal
    why: str


@dataclass(frozen=True)
class RecomputeResult:
    key: str
    region_code: str
    effective_month: dt.date
    evaluated: int  # running entitlements looked at
    raised: int  # re-decided upward, from effective_month
    monthly_increase: Decimal  # the sum of the rises, per month
    unchanged: int
    already: int  # raised by an earlier apply of the same date
    for_decision: list[ForDecision] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The result as JSON values (money as text): what a background job keeps for its page."""
        data = asdict(self)
        data["effective_month"] = self.effective_month.isoformat()
        data["monthly_increase"] = str(self.monthly_increase)
        data["for_decision"] = [
            {**asdict(r), "current": str(r.current), "proposed": str(r.proposed)} for r in self.for_decision
        ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecomputeResult:
        rows = [
            ForDecision(**{**r, "current": Decimal(r["current"]), "proposed": Decimal(r["proposed"])})
            for r in data.get("for_decision", [])
        ]
        return cls(
            **{
                **data,
                "effective_month": dt.date.fromisoformat(data["effective_month"]),
                "monthly_increase": Decimal(data["monthly_increase"]),
                "for_decision": rows,
            }
        )


Progress = Callable[[int, str], None]  # percent 0..100, stage


def _quiet(_percent: int, _stage: str) -> None:
    pass


def _require(actor: User | None, region: Region) -> None:
    if actor is None:
        return  # the system operator, from the command line: holds the server and its database already
    may = actor.has_capability(Capability.MANAGE_PARAMETERS) or actor.has_capability(Capability.CONFIRM_CASE)
    if not may or not in_scope(actor, region.code):
        raise PermissionDenied(_("无权按调整后的标准重新核定待遇"))


def _engine_amounts(running: pl.DataFrame, region: Region, on: dt.date) -> pl.DataFrame:
    """`running` (one row per entitlement: household_id, program) with before_fen and after_fen: the engine's
    amount of its programme with the parameters in force the day before `on` and on `on`, both on the
    households' facts of `on` (null for a programme the engine does not compute). Only households with a
    running entitlement are read (a subquery, not a list of ids): most of a registry receives nothing; only
    the programmes they draw are computed."""
    entitled = Entitlement.objects.filter(
        wide_prefix_q(Entitlement, region.prefix), status=EntitlementStatus.ACTIVE
    ).values("household_id")
    raw = inputs.registry_raw(
        wide_prefix_q(Household, region.prefix) & Q(pk__in=entitled),
        person_where=wide_prefix_q(Person, region.prefix) & Q(household_id__in=entitled),
        display=False,
    )
    households, persons = inputs.registry_frames(raw, on)
    programs = sorted(set(running["program"].unique().to_list()) & set(MONTHLY_PROGRAMS))
    if households.height == 0 or not programs:
        return running.with_columns(before_fen=pl.lit(None, pl.Int64), after_fen=pl.lit(None, pl.Int64))
    stored = parameters_frame(regions=[region], below=True)
    sides = []
    for tag, params in (("before", stored.filter(pl.col("effective_from") < on)), ("after", stored)):
        out = evaluate(households, persons, params, explain=False, programs=programs).households
        sides.append(
            out.select(
                "household_id",
                *(pl.col(f"{p}.monthly").fill_null(0).cast(pl.Int64).alias(f"{tag}:{p}") for p in programs),
            )
        )
    # Wide, one row per household; each entitlement then takes its programme's column (no unpivot of every
    # programme of a million households, no join on text).
    wide = sides[0].join(sides[1], on="household_id")

    def pick(tag: str) -> pl.Expr:
        return pl.coalesce(pl.when(pl.col("program") == p).then(pl.col(f"{tag}:{p}")) for p in programs).alias(
            f"{tag}_fen"
        )

    return (
        running.join(wide, on="household_id", how="left")
        .with_columns(pick("before"), pick("after"))
        .drop([f"{tag}:{p}" for tag in ("before", "after") for p in programs])
    )


def _saved_at(*, key: str, effective_from: dt.date, codes: list[str]) -> dt.datetime:
    """When the change was saved: what was decided before then was decided on the old value."""
    saved = Parameter.objects.filter(key=key, effective_from=effective_from, region__code__in=codes).aggregate(
        at=Max("created_at")
    )["at"]
    return saved if saved is not None else timezone.now()


def _running(region: Region, month: dt.date, saved_at: dt.datetime) -> pl.DataFrame:
    """Active entitlements under `region` that pay in `month` and began by then, and those that begin later but
    were decided before the change was saved (on the old value), one row each; `from_month`: the month the
    change reaches each (its own first month for the later ones)."""
    # From the cursor (read_frame), the fen computed by the database as in the payroll (two decimals, so the
    # hundredfold rounds exactly); the model's order kept, as the new links' ids follow it.
    fen = FenOf("monthly_amount")
    qs = (
        Entitlement.objects.filter(wide_prefix_q(Entitlement, region.prefix), status=EntitlementStatus.ACTIVE)
        .filter(Q(start_month__lte=month) | Q(start_month__gt=month, created_at__lt=saved_at))
        .exclude(end_month__lt=month)
        .annotate(fen=fen)
        .values_list(
            "id",
            "household_id",
            "region_code",
            "program",
            "fen",
            "start_month",
            "end_month",
            "gradual_exit",
            "source_case_id",
        )
    )
    return read_frame(
        qs,
        {
            "id": pl.Int64,
            "household_id": pl.Int64,
            "region_code": pl.String,
            "program": pl.String,
            "current_fen": pl.Int64,
            "start_month": pl.Date,
            "end_month": pl.Date,
            "gradual_exit": pl.Boolean,
            "source_case_id": pl.Int64,
        },
    ).with_columns(from_month=pl.max_horizontal(pl.col("start_month"), pl.lit(month)))


def _yuan_text(fen: pl.Expr) -> pl.Expr:
    """Fen as the text of a Decimal in yuan ("560.50"), exact: what DecimalField columns take in bulk."""
    return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.String).str.zfill(2))


def _falls(frame: pl.DataFrame, why: str) -> list[ForDecision]:
    if frame.height == 0:
        return []
    ids = frame["household_id"].unique().to_list()
    numbers: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):  # IN lists of a bounded length (SQLite's limit of variables)
        numbers.update(Household.objects.filter(pk__in=ids[start : start + _CHUNK]).values_list("id", "number"))
    return [
        ForDecision(
            entitlement_id=r["id"],
            household_id=r["household_id"],
            number=numbers.get(r["household_id"], ""),
            program=r["program"],
            current=fen_to_yuan(r["current_fen"]),
            proposed=fen_to_yuan(r["current_fen"] + r["delta"]),
            why=why,
        )
        for r in frame.sort("household_id", "program").iter_rows(named=True)
    ]


def recompute_check(*, actor: User | None, key: str, region: Region, effective_from: dt.date) -> None:
    """What entitlements_recompute refuses before doing anything (PermissionDenied, ValidationError): the
    web page asks it before queueing the job."""
    _require(actor, region)
    if key not in PARAMETER_SPECS:
        raise ValidationError({"key": _("未知参数：%(key)s") % {"key": key}})
    if not Parameter.objects.filter(
        key=key, effective_from=effective_from, region__code__in=ancestor_codes(region.code)
    ).exists():
        raise ValidationError(
            {
                "effective_from": _("%(key)s 在 %(d)s 没有已保存的取值，请先保存再执行")
                % {"key": key, "d": effective_from}
            }
        )


def entitlements_recompute(
    *,
    actor: User | None,
    key: str,
    region: Region,
    effective_from: dt.date,
    progress: Progress | None = None,
) -> RecomputeResult:
    """Re-decides the running entitlements under `region` after a saved change of `key` effective from
    `effective_from` (a row must exist for that key, date and region or a region above it). Rises are
    applied from that month, retroactively; falls are listed, not applied. Idempotent: applying the same
    date again changes nothing that was already raised. `actor` None: the system operator (audited "system").
    `progress(percent, stage)` hears of each step.

    Two applies at once (two terminals, the page and the command) take turns: the second reads the links only
    once the first has committed, and finds them raised. A link changed by someone else while the apply
    computed (a review) makes the apply change nothing and say so: its new link would follow an old one twice,
    which the database refuses."""
    recompute_check(actor=actor, key=key, region=region, effective_from=effective_from)
    with _one_apply_at_a_time():
        try:
            return _recompute(actor=actor, key=key, region=region, effective_from=effective_from, progress=progress)
        except IntegrityError as exc:
            raise ValidationError(_("重新核定期间有待遇被他人调整，本次未作任何修改，请重新执行")) from exc


@contextmanager
def _one_apply_at_a_time() -> Iterator[None]:
    """PostgreSQL: the whole apply in one transaction that first takes a lock of its own (an advisory lock,
    held to the commit), so applies run one after the other; its reads see what the previous one wrote. On
    SQLite a transaction that writes holds the database's one write lock, and the reads stay outside it (they
    take seconds at a county's scale, and every other writer would wait): there the database's uniqueness
    of a link's successor is what keeps a link from being raised twice."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["jiuzhu.payments.entitlements_recompute"])
        yield


def _recompute(
    *, actor: User | None, key: str, region: Region, effective_from: dt.date, progress: Progress | None
) -> RecomputeResult:
    report = progress if progress is not None else _quiet
    month = first_of_month(effective_from)
    if effective_from != month:
        # A standard that changes mid-month applies from the next whole month (paid monthly).
        month = add_months(month, 1)
    report(5, _("读取正在享受的待遇"))
    running = _running(
        region, month, _saved_at(key=key, effective_from=effective_from, codes=ancestor_codes(region.code))
    )
    # Links an earlier apply of this date made (all of them when it is applied again: a subquery, not a list).
    already = read_frame(
        EntitlementEvent.objects.filter(
            entitlement__in=Entitlement.objects.filter(
                prefix_q(region.prefix), status=EntitlementStatus.ACTIVE, start_month=month
            ),
            kind=EventKind.AMOUNT,
            cause=Cause.RECOMPUTE,
            effective_month=month,
        )
        .order_by()
        .values_list("entitlement_id"),
        {"id": pl.Int64},
    )["id"].unique()
    report(15, _("按新旧标准测算各户金额"))
    frame = (
        _engine_amounts(running.filter(~pl.col("id").is_in(already.implode())), region, month)
        .with_columns(delta=(pl.col("after_fen") - pl.col("before_fen")).fill_null(0))
        # Links that pay the same months: those running at `month`, or those beginning after it.
        .with_columns(links=pl.len().over("household_id", "program", pl.col("start_month") > month))
    )
    report(55, _("比较新旧金额"))
    several = frame.filter((pl.col("delta") != 0) & (pl.col("links") > 1))
    single = frame.filter(pl.col("links") == 1)
    rises = single.filter(pl.col("delta") > 0)
    falls = single.filter(pl.col("delta") < 0)
    for_decision = _falls(falls, _("按调整后的标准测算金额降低，须人工核定并书面告知")) + _falls(
        several, _("同一项目有多条待遇，须人工核定")
    )
    report(60, _("写入调整后的待遇"))
    with transaction.atomic():
        keys = _saved_keys(key=key, region=region, effective_from=effective_from)
        _apply(actor=actor, rises=rises, month=month, keys=keys, progress=report)
        report(97, _("留痕"))
        increase = int(rises["delta"].sum() or 0)
        audit_record(
            actor=actor or "system",
            action=AuditAction.UPDATE,
            object_type="entitlement",
            region_code=region.code,
            summary=_("提标重新核定：%(key)s 自 %(m)s 起，调高 %(n)d 项待遇，每月增加 %(a)s 元；%(d)d 项待人工核定")
            % {
                "key": parameter_label(key),
                "m": f"{month:%Y-%m}",
                "n": rises.height,
                "a": fen_to_yuan(increase),
                "d": len(for_decision),
            },
            after={
                "key": key,
                "effective_month": month.isoformat(),
                "raised": rises.height,
                "for_decision": len(for_decision),
            },
        )
    report(100, _("完成"))
    return RecomputeResult(
        key=key,
        region_code=region.code,
        effective_month=month,
        evaluated=running.height,
        raised=rises.height,
        monthly_increase=fen_to_yuan(increase),
        unchanged=frame.filter(pl.col("delta") == 0).height,
        already=int(running["id"].is_in(already.implode()).sum()),
        for_decision=for_decision,
    )


def _stage(frame: pl.DataFrame) -> str:
    """The rises as a temporary table (old_id, new_id, from_month, end_before, amount_before, amount_after),
    written in bulk (COPY on PostgreSQL): the new links, their events and the old links' end are
    then each one statement joined on it, instead of a million values sent twice and IN lists of ids. The new
    links' ids: on PostgreSQL the table's sequence, drawn by the server as the rows arrive (in the frame's
    order); on SQLite the frame's `new_id` (reserve_ids, under the write lock)."""
    table = "jz_recompute_stage"
    values = (
        "from_month DATE NOT NULL, end_before DATE NOT NULL, amount_before DECIMAL(12, 2) NOT NULL, "
        "amount_after DECIMAL(12, 2) NOT NULL"
    )
    postgres = connection.vendor == "postgresql"
    # Written: every column but new_id on PostgreSQL (its default draws it), all of them on SQLite.
    columns = ["old_id", *([] if postgres else ["new_id"]), "from_month", "end_before", "amount_before", "amount_after"]
    names = ", ".join(columns)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        new_id = "new_id BIGINT NOT NULL"
        if postgres:
            cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [Entitlement._meta.db_table, "id"])
            sequence = cur.fetchone()[0].replace("'", "''")  # "public.payments_entitlement_id_seq", as text
            new_id += f" DEFAULT nextval('{sequence}'::regclass)"
        cur.execute(f"CREATE TEMPORARY TABLE {table} (old_id BIGINT PRIMARY KEY, {new_id}, {values})")
        if postgres:
            raw = cur.cursor  # the driver's cursor, in Django's transaction
            buf = frame.select(columns).write_csv(include_header=False)
            with raw.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buf)
            cur.execute(f"ANALYZE {table}")  # a temporary table has no statistics until asked
        else:
            rows = (
                frame.select(columns)
                .with_columns(pl.col(c).dt.strftime("%Y-%m-%d") for c in ("from_month", "end_before"))
                .rows()
            )
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return table


# The parents the apply's INSERT … SELECT statements copy from rows that exist: a new link's household, case,
# previous link and list of persons are the old link's (and the old link itself), its events name the links just
# written. The creator is still checked.
_COPIED = (
    (Entitlement, ("household", "source_case", "previous", "persons_of")),
    (EntitlementEvent, ("entitlement",)),
)


@contextmanager
def _parents_copied(cur: Any) -> Iterator[None]:
    """PostgreSQL: within the block, the tables' insert triggers (core.refs) do not check again the parent
    columns of _COPIED (a transaction-local setting, cleared when the block ends)."""
    if connection.vendor != "postgresql":
        yield
        return
    keys = [model._meta.get_field(name) for model, names in _COPIED for name in names]
    columns = sorted({key.column for key in keys if isinstance(key, ForeignKey)})
    cur.execute("SELECT set_config('jiuzhu.parents_copied', %s, true)", [",".join(columns)])
    yield
    cur.execute("SELECT set_config('jiuzhu.parents_copied', '', true)")


_NAMED = 3  # parameters a 提标's reason names one by one


def _saved_keys(*, key: str, region: Region, effective_from: dt.date) -> list[str]:
    """`key` and every other parameter saved for the same date in `region`, above it or below it: the apply
    re-decides under all the values in force from that date (a county raising its urban and rural standards
    together raises its rural households when the urban one is applied), so its reason names them all."""
    saved = Parameter.objects.filter(effective_from=effective_from).filter(
        Q(region__code__in=ancestor_codes(region.code)) | prefix_q(region.prefix, "region__code")
    )
    others = sorted(set(saved.values_list("key", flat=True)) - {key}, key=lambda k: (k not in PARAMETER_SPECS, k))
    return [key, *others]


def _apply(
    *, actor: User | None, rises: pl.DataFrame, month: dt.date, keys: list[str], progress: Progress = _quiet
) -> None:
    """The old links end the month before their `from_month` (`month`, or a later first month); new links from
    then at the raised amount, paying for the same persons (the list the old link named), each with its event.
    Set-based: the rises are staged in a temporary table and each write is one INSERT … SELECT or UPDATE joined
    on it."""
    n = rises.height
    if n == 0:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    by = actor.pk if actor else None
    # Named by the parameters' labels (城市低保标准), not their keys, in each reader's language (core.messages).
    names = [messages.msg(PARAMETER_SPECS[k].label) if k in PARAMETER_SPECS else k for k in keys[:_NAMED]]
    named = messages.join(names, "、")
    if len(keys) > _NAMED:  # a year's parameters loaded on one date: the reason stays within its column
        named += messages.msg("等 %(n)s 项参数", n=str(len(keys)))
    reason = messages.msg("提标重新核定（%(key)s 自 %(m)s 起）", key=named, m=f"{month:%Y-%m}")
    # The closed link says only why it ended (the standard and the month are on the new link and its event):
    # its row may not grow by the whole reason, or its new version no longer fits in the part of the page the
    # table keeps free (payments 0010, 0012) and the close stops being a HOT update — measured at a million
    # links decided without a reason of their own, 43 % of the closes left their page and wrote every index.
    closed = messages.msg("提标重新核定")
    writing = _("写入调整后的待遇")
    staged = rises.select(
        pl.col("id").alias("old_id"),
        "from_month",
        pl.col("from_month").dt.offset_by("-1mo").alias("end_before"),
        _yuan_text(pl.col("current_fen")).alias("amount_before"),
        _yuan_text(pl.col("current_fen") + pl.col("delta")).alias("amount_after"),
    )
    if connection.vendor != "postgresql":
        staged = staged.with_columns(pl.Series("new_id", reserve_ids(Entitlement, n), dtype=pl.Int64))
    stage = _stage(staged)
    progress(70, writing)
    ent = connection.ops.quote_name(Entitlement._meta.db_table)
    # The new link pays for whom the old one paid: it names the list the old one named, not a copy of it.
    persons = "COALESCE(e.persons_of_id, e.id)"
    event = connection.ops.quote_name(EntitlementEvent._meta.db_table)
    with big_write_cache(n >= 10_000), connection.cursor() as cur:
        if connection.vendor == "postgresql" and n >= 10_000:
            # The joins on the stage hashed in memory rather than in batches on disk: a batched hash join hands
            # the rows over in hash order, and the UPDATE below then writes its new row versions' index entries
            # at random places in nine indexes (a third more server time at a million). Until COMMIT.
            cur.execute("SET LOCAL work_mem = '256MB'")
        with _parents_copied(cur):
            cur.execute(
                f"INSERT INTO {ent} (id, household_id, region_code, program, monthly_amount, start_month, "
                "end_month, suspended_from, status, gradual_exit, source_case_id, previous_id, persons_of_id, "
                "reason, created_at, created_by_id) "
                "SELECT s.new_id, e.household_id, e.region_code, e.program, s.amount_after, s.from_month, e.end_month, "
                f"NULL, %s, e.gradual_exit, e.source_case_id, e.id, {persons}, %s, %s, %s FROM {stage} s "
                f"JOIN {ent} e ON e.id = s.old_id ORDER BY s.new_id",
                [EntitlementStatus.ACTIVE.value, reason, now, by],
            )
            progress(82, writing)
            cur.execute(
                f"INSERT INTO {event} (entitlement_id, kind, cause, effective_month, amount_before, amount_after, "
                "note, recorded_on, created_at, created_by_id) SELECT s.new_id, %s, %s, s.from_month, s.amount_before, "
                f"s.amount_after, %s, %s, %s, %s FROM {stage} s ORDER BY s.new_id",
                [EventKind.AMOUNT.value, Cause.RECOMPUTE.value, reason, today, now, by],
            )
        progress(92, writing)
        # UPDATE … FROM: PostgreSQL, and SQLite since 3.33.
        cur.execute(
            f"UPDATE {ent} SET status = %s, reason = %s, end_month = s.end_before FROM {stage} s "
            f"WHERE {ent}.id = s.old_id",
            [EntitlementStatus.STOPPED.value, closed],
        )
        cur.execute(f"DROP TABLE {stage}")
    # Higher apps follow the chain (cases: open reviews move to the new link).
    entitlements_replaced(old_ids=rises["id"].to_list())
