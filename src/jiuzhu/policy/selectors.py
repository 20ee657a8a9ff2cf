"""Reads of the policy app: parameter values by region and date, and the engine's view of households.
The registry meets the rules engine here only: household_evaluation for one household's page, and
reevaluation for every household of a region at once (提标影响测算), through one field mapping."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiuzhu.core import messages
from jiuzhu.core.money import fen_to_yuan
from jiuzhu.core.pii import mask_name
from jiuzhu.core.prepared import prepared
from jiuzhu.core.scope import prefix_q
from jiuzhu.policy import inputs
from jiuzhu.policy import rules as rules_package
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.parameters import parameter_label, parameter_shown, parameter_unit
from jiuzhu.policy.programs import program_name
from jiuzhu.policy.rules import (
    MONTHLY_PROGRAMS,
    PARAMETER_SPECS,
    canonical_text,
    evaluate,
    params_frame,
    parse_value,
)
from jiuzhu.policy.rules.params import PARAMS_SCHEMA
from jiuzhu.regions.models import PREFIX_LENGTH, Level, Region, parent_code
from jiuzhu.registry.models import Household


def ancestor_codes(code: str) -> list[str]:
    """The region and all regions above it, nearest first."""
    codes: list[str] = []
    current: str | None = code
    while current:
        codes.append(current)
        current = parent_code(current)
    return codes


def parameters_for_region(*, region: Region) -> QuerySet[Parameter]:
    """Every row that can apply to `region`: its own and those of the regions above it."""
    return Parameter.objects.filter(region__code__in=ancestor_codes(region.code)).select_related("region")


def parameter_value(key: str, region: Region, date: dt.date) -> Decimal | str | None:
    """The value of `key` in force for `region` on `date`: the nearest region up the tree with a value
    in force, and its latest one. None when no region defines it."""
    rows = parameters_for_region(region=region).filter(key=key, effective_from__lte=date)
    best = max(rows, key=lambda p: (len(p.region.prefix), p.effective_from), default=None)
    return None if best is None else parse_value(key, best.value)


def parameter_rows(*, regions: list[Region] | None = None, below: bool = False) -> list[tuple[Any, ...]]:
    """The parameter rows as the engine takes them: (region prefix, key, value, effective_from). Rows
    are few (keys × dates × regions with their own values), so the whole table is cheap to read.
    `regions`: only the rows that can apply to them — theirs and their ancestors', and with `below`
    also those of every region under them (a township's own standard, for a county-wide run)."""
    qs = Parameter.objects.all()
    if regions is not None and len(regions) == 1 and not below:  # one household's: its page, every visit
        return [_parameter_row(*r) for r in _parameters_of(*sorted(set(ancestor_codes(regions[0].code))))]
    if regions is not None:
        codes = {c for r in regions for c in ancestor_codes(r.code)}
        where = Q(region__code__in=codes)
        for r in regions if below else []:
            where |= prefix_q(r.prefix, "region__code")
        qs = qs.filter(where)
    return [_parameter_row(*r) for r in qs.values_list(*_PARAMETER_COLUMNS)]


# Plain rows, not model instances; one region's rows by a query compiled once per process (core.prepared)
# for each number of ancestors: the household page reads these on every visit.
_PARAMETER_COLUMNS = ("region__code", "region__level", "key", "value", "effective_from")
_parameters_of = prepared(
    lambda *codes: Parameter.objects.filter(region__code__in=codes).values_list(*_PARAMETER_COLUMNS)
)


def _parameter_row(code: str, level: int, key: str, value: str, day: dt.date) -> tuple[Any, ...]:
    return (code[: PREFIX_LENGTH[Level(level)]], key, value, day)


def parameters_frame(*, regions: list[Region] | None = None, below: bool = False) -> pl.DataFrame:
    """parameter_rows as the engine's frame."""
    return _params(parameter_rows(regions=regions, below=below))


def _params(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PARAMS_SCHEMA, orient="row")


@dataclass
class ParameterRow:
    key: str
    label: str
    unit: str
    current: Parameter | None
    history: list[Parameter] = field(default_factory=list)
    shown: str = ""  # the current value as the page shows it (a rounding mode by its name)
    entries: list[tuple[Parameter, str]] = field(default_factory=list)  # the history with each value shown


def parameter_table(*, region: Region, date: dt.date) -> list[ParameterRow]:
    """For the settings page: per key, the value in force for `region` on `date` and the full history
    of the rows that apply to it, newest first."""
    rows = list(parameters_for_region(region=region))
    out = []
    for key in PARAMETER_SPECS:
        mine = sorted((p for p in rows if p.key == key), key=lambda p: (p.effective_from, len(p.region.prefix)),
                      reverse=True)  # fmt: skip
        in_force = [p for p in mine if p.effective_from <= date]
        current = max(in_force, key=lambda p: (len(p.region.prefix), p.effective_from), default=None)
        shown = parameter_shown(key, current.value) if current else ""
        entries = [(p, parameter_shown(key, p.value)) for p in mine]
        out.append(ParameterRow(key, parameter_label(key), parameter_unit(key), current, mine, shown, entries))
    return out


@dataclass
class ProgramResult:
    code: str
    name: str
    eligible: bool
    monthly: Decimal
    persons: list[str]
    explain: list[str]


@dataclass
class HouseholdEvaluation:
    date: dt.date
    per_capita: Decimal
    household_class: str
    programs: list[ProgramResult]


def household_frames(*, household: Household, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The household and its members as the engine's one-row and n-row frames (policy.inputs)."""
    return inputs.household_frames(household=household, date=date)


def population_frames(*, region_code_prefix: str, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All households whose region code starts with the prefix, and their members, as the engine's
    frames: what household_frames gives for one household, for all of them at once."""
    return inputs.registry_frames(inputs.registry_raw(prefix_q(region_code_prefix)), date)


def household_evaluation(*, household: Household, date: dt.date) -> HouseholdEvaluation:
    """Every monthly programme for one household from its registry data, by the same engine as the
    monthly run, computed now (the page reads the stored one: services.evaluation_current). ParameterError
    when the region has no value for a key (defaults not loaded)."""
    frames = inputs.rows_frames(inputs.household_rows(household.pk), date)
    params = parameters_frame(regions=[household.region])
    return evaluation_from(evaluation_results(frames, params)[household.pk], household=household, date=date)


def evaluation_results(frames: tuple[pl.DataFrame, pl.DataFrame], params: pl.DataFrame) -> dict[int, dict[str, Any]]:
    """The engine's answer with explanation lines for every household of the engine's `frames`, as the JSON
    that StoredEvaluation keeps: money in fen, the persons by the names the lines use, the lines as marked
    messages."""
    households, persons = frames
    if not households.height:
        return {}
    # The lines as marked messages (core/messages.py): stored once, shown in each reader's language.
    evaluation = evaluate(households, persons, params, explain=True, marked=True).households
    names = dict(persons.select("person_id", "label").iter_rows()) if persons.height else {}
    return {
        row["household_id"]: {
            "per_capita": row["per_capita"],
            "class": row["class"],
            "programs": {
                code: {
                    "eligible": row[f"{code}.eligible"],
                    "monthly": row[f"{code}.monthly"],
                    "persons": [names[i] for i in row[f"{code}.persons"]],
                    "explain": row[f"{code}.explain"],
                }
                for code in MONTHLY_PROGRAMS
            },
        }
        for row in evaluation.iter_rows(named=True)
    }


def evaluation_from(result: dict[str, Any], *, household: Household, date: dt.date) -> HouseholdEvaluation:
    """A stored result (evaluation_results) as the page shows it: the programmes of the household's area,
    named in the user's language."""
    programs = [
        ProgramResult(
            code=code,
            name=program_name(code),
            eligible=p["eligible"],
            monthly=fen_to_yuan(p["monthly"]),
            persons=p["persons"],
            explain=p["explain"],
        )
        for code in MONTHLY_PROGRAMS
        if not (code == "dibao_urban" and household.area != "urban")
        and not (code == "dibao_rural" and household.area == "urban")
        for p in [result["programs"][code]]
    ]
    return HouseholdEvaluation(date, fen_to_yuan(result["per_capita"]), result["class"], programs)


@cache
def rules_version() -> str:
    """A digest of the rules' code, of the registry-to-engine mapping and of the form their lines are stored in
    (core/messages.py): a new release that changes how a household is evaluated or explained makes every stored
    evaluation stale."""
    digest = hashlib.sha256()
    rules_dir = Path(rules_package.__file__).parent
    for path in sorted([*rules_dir.rglob("*.py"), Path(inputs.__file__)]):
        digest.update(str(path.relative_to(rules_dir.parent)).encode())
        digest.update(path.read_bytes())
    digest.update(b"core/messages.py")
    digest.update(Path(messages.__file__).read_bytes())
    return digest.hexdigest()


def evaluation_inputs(rows: inputs.Rows, params: list[tuple[Any, ...]]) -> dict[int, str]:
    """Per household of `rows` (inputs.household_rows, or registry_typed's frames' rows), a digest of
    everything its evaluation is computed from: its row and its members' rows exactly as the engine reads
    them, the parameter rows (parameter_rows) that apply to its region, of every date (a future standard
    too), and the rules' version. Equal digests, equal input."""
    households, persons = rows
    members: dict[int, list[tuple[Any, ...]]] = {}
    hid = list(inputs.PERSON_TYPED).index("household_id")
    for row in persons:
        members.setdefault(row[hid], []).append(row)
    ordered = sorted(params, key=repr)
    by_region: dict[str, str] = {}
    version = rules_version()
    code_at = list(inputs.HOUSEHOLD_TYPED).index("region_code")
    out = {}
    for row in households:
        code = row[code_at] or ""
        if code not in by_region:
            mine = [r for r in ordered if code.startswith(r[0])]
            by_region[code] = hashlib.sha256(repr(mine).encode()).hexdigest()
        text = repr((version, by_region[code], row, members.get(row[0], [])))
        out[row[0]] = hashlib.sha256(text.encode()).hexdigest()
    return out


# What the engine's `class` column says of a household's 低保 test, as a caseworker calls it.
HOUSEHOLD_CLASS_LABELS = {"dibao": _("低保家庭"), "edge": _("低保边缘家庭"), "none": _("一般家庭")}
DIBAO_PROGRAMS = ("dibao_urban", "dibao_rural")


@dataclass(frozen=True)
class ProposedValue:
    """A value typed on the settings page and not saved: re-evaluation shows what it would change."""

    key: str
    value: str  # canonical text, as parameter_add would store it
    effective_from: dt.date

    @property
    def label(self) -> str:
        return parameter_label(self.key)

    @property
    def unit(self) -> str:
        return parameter_unit(self.key)

    @property
    def shown(self) -> str:
        return parameter_shown(self.key, self.value)


def proposed_value(*, key: str, value: str, effective_from: dt.date) -> ProposedValue:
    """The proposal checked by the rules parameter_add applies; ParameterError in Chinese if it does
    not fit its key (unknown key, not a number, negative, too many decimals)."""
    return ProposedValue(key, canonical_text(key, value), effective_from)


@dataclass(frozen=True)
class ParameterChange:
    date: dt.date
    labels: list[str]


def parameter_changes(*, region: Region, until: dt.date) -> list[ParameterChange]:
    """The dates, newest first and none after `until`, on which a parameter row applying to `region`
    takes effect, with what each changes: the saved 提标 whose impact the page can show."""
    by_date: dict[dt.date, list[str]] = {}
    for p in parameters_for_region(region=region).filter(effective_from__lte=until).order_by("-effective_from"):
        labels = by_date.setdefault(p.effective_from, [])
        label = parameter_label(p.key)
        if label not in labels:
            labels.append(label)
    return [ParameterChange(d, labels) for d, labels in by_date.items()]


@dataclass(frozen=True)
class ImpactRow:
    """Households drawing a programme (or, per township, 低保) before and after, and the money a month.
    `up` and `down` count households drawing it on both dates whose amount rose or fell."""

    code: str
    name: str
    before_count: int
    after_count: int
    before_total: Decimal
    after_total: Decimal
    newly: int
    dropped: int
    up: int
    down: int

    @property
    def count_change(self) -> int:
        return self.after_count - self.before_count

    @property
    def total_change(self) -> Decimal:
        return self.after_total - self.before_total


@dataclass(frozen=True)
class ProgramChange:
    name: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class ChangedHousehold:
    household_id: int
    number: str
    head_name: str  # masked: the list is printed and exported
    village: str
    class_before: str
    class_after: str
    total_before: Decimal
    total_after: Decimal
    programs: list[ProgramChange]

    @property
    def change(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def class_before_label(self) -> str:
        return str(HOUSEHOLD_CLASS_LABELS.get(self.class_before, self.class_before))

    @property
    def class_after_label(self) -> str:
        return str(HOUSEHOLD_CLASS_LABELS.get(self.class_after, self.class_after))


@dataclass(frozen=True)
class Reevaluation:
    """Every household under `region` evaluated on `before` with the saved parameters and on `after`
    with the saved parameters (plus `proposed`, when one is tested): the impact of a 提标."""

    region: Region
    before: dt.date
    after: dt.date
    proposed: ProposedValue | None
    households: int
    programs: list[ImpactRow]
    total: ImpactRow  # any monthly programme; amounts summed over all of them
    townships: list[ImpactRow]  # 低保, urban and rural together, per region one level below `region`
    townships_total: ImpactRow
    changed: list[ChangedHousehold]  # total monthly amount changed, largest change first
    overridden: list[str] = field(default_factory=list)  # regions below with their own value of the key


def _with_proposal(params: pl.DataFrame, prefix: str, proposed: ProposedValue) -> pl.DataFrame:
    """The saved rows plus the proposed one; a saved row of the same region, key and date gives way."""
    same = (
        (pl.col("prefix") == prefix)
        & (pl.col("key") == proposed.key)
        & (pl.col("effective_from") == proposed.effective_from)
    )
    row = params_frame([(prefix, proposed.key, proposed.value, proposed.effective_from)])
    return pl.concat([params.filter(~same), row])


def _amounts(households: pl.DataFrame, persons: pl.DataFrame, params: pl.DataFrame, tag: str) -> pl.DataFrame:
    """household_id, class and the fen amount of every monthly programme and their total, as `tag:…`."""
    monthly = [f"{tag}:{code}" for code in MONTHLY_PROGRAMS]
    if households.height:
        out = evaluate(households, persons, params, explain=False).households.select(
            "household_id",
            pl.col("class").alias(f"{tag}:class"),
            *(pl.col(f"{code}.monthly").fill_null(0).alias(f"{tag}:{code}") for code in MONTHLY_PROGRAMS),
        )
    else:
        out = pl.DataFrame(
            schema={"household_id": pl.Int64, f"{tag}:class": pl.String, **dict.fromkeys(monthly, pl.Int64)}
        )
    return out.with_columns(pl.sum_horizontal(monthly).cast(pl.Int64).alias(f"{tag}:total"))


def _stats(before: pl.Expr, after: pl.Expr) -> list[pl.Expr]:
    return [
        (before > 0).sum().alias("before_count"),
        (after > 0).sum().alias("after_count"),
        before.sum().alias("before_total"),
        after.sum().alias("after_total"),
        ((before == 0) & (after > 0)).sum().alias("newly"),
        ((before > 0) & (after == 0)).sum().alias("dropped"),
        ((before > 0) & (after > before)).sum().alias("up"),
        ((after > 0) & (after < before)).sum().alias("down"),
    ]


def _row(code: str, name: str, stats: dict[str, Any] | None) -> ImpactRow:
    s = stats or {}
    counts = {k: int(s.get(k) or 0) for k in ("before_count", "after_count", "newly", "dropped", "up", "down")}
    return ImpactRow(
        code,
        name,
        before_total=fen_to_yuan(int(s.get("before_total") or 0)),
        after_total=fen_to_yuan(int(s.get("after_total") or 0)),
        **counts,
    )


def reevaluation(
    *,
    region: Region,
    before: dt.date,
    after: dt.date,
    params: pl.DataFrame | None = None,
    proposed: ProposedValue | None = None,
) -> Reevaluation:
    """Every household under `region`, as it stands on `after`, evaluated twice by the engine of the
    monthly run: with the parameters as they were on `before` (saved rows in force by then) and with the
    saved parameters plus the proposed row set on `region`. Both sides use the households' facts on
    `after`, so a birthday or a death on that day does not pass for the effect of the change. A saved
    提标 is shown by its date against the day before and no proposal; a proposal by its effective date
    on both sides. `params` stands in for the saved rows. Nothing is written. ParameterError when a
    region has no value in force."""
    stored = params if params is not None else parameters_frame(regions=[region], below=True)
    changed_params = stored if proposed is None else _with_proposal(stored, region.prefix, proposed)
    raw_h, raw_p = inputs.registry_raw(prefix_q(region.prefix))
    households, persons = inputs.registry_frames((raw_h, raw_p), after)
    b = _amounts(households, persons, stored.filter(pl.col("effective_from") <= before), "b")
    a = _amounts(households, persons, changed_params, "a")
    frame = (
        raw_h.select("id", "number", "head_name", "region_code")
        .join(b, left_on="id", right_on="household_id", how="left", maintain_order="left")
        .join(a, left_on="id", right_on="household_id", how="left", maintain_order="left")
    )

    programs = [
        _row(
            code,
            program_name(code),
            frame.select(_stats(pl.col(f"b:{code}"), pl.col(f"a:{code}"))).row(0, named=True),
        )
        for code in MONTHLY_PROGRAMS
    ]
    total = _row(
        "", str(_("合计（任一项目）")), frame.select(_stats(pl.col("b:total"), pl.col("a:total"))).row(0, named=True)
    )

    dibao_b = pl.sum_horizontal(*(f"b:{c}" for c in DIBAO_PROGRAMS))
    dibao_a = pl.sum_horizontal(*(f"a:{c}" for c in DIBAO_PROGRAMS))
    townships: list[ImpactRow] = []
    if region.level < Level.VILLAGE:
        width = PREFIX_LENGTH[Level(region.level + 1)]
        per = {
            r["area"]: r
            for r in frame.group_by(pl.col("region_code").str.slice(0, width).alias("area"))
            .agg(_stats(dibao_b, dibao_a))
            .iter_rows(named=True)
        }
        townships = [
            _row(child.code, child.name, per.get(child.prefix))
            for child in Region.objects.filter(parent=region).order_by("code")
        ]
    townships_total = _row("", str(_("合计")), frame.select(_stats(dibao_b, dibao_a)).row(0, named=True))

    moved = (
        frame.filter(pl.col("b:total") != pl.col("a:total"))
        .with_columns(change=pl.col("a:total") - pl.col("b:total"))
        .sort([pl.col("change").abs(), pl.col("id")], descending=[True, False])
    )
    villages: dict[str, str] = {}
    if moved.height:
        villages = dict(
            Region.objects.filter(prefix_q(region.prefix, "code"), level=Level.VILLAGE).values_list("code", "name")
        )
    changed = [
        ChangedHousehold(
            household_id=r["id"],
            number=r["number"],
            head_name=mask_name(r["head_name"] or ""),
            village=villages.get(r["region_code"], r["region_code"]),
            class_before=r["b:class"],
            class_after=r["a:class"],
            total_before=fen_to_yuan(r["b:total"]),
            total_after=fen_to_yuan(r["a:total"]),
            programs=[
                ProgramChange(program_name(code), fen_to_yuan(r[f"b:{code}"]), fen_to_yuan(r[f"a:{code}"]))
                for code in MONTHLY_PROGRAMS
                if r[f"b:{code}"] != r[f"a:{code}"]
            ],
        )
        for r in moved.iter_rows(named=True)
    ]

    overridden: list[str] = []
    if proposed is not None:
        overridden = sorted(
            set(
                Parameter.objects.filter(prefix_q(region.prefix, "region__code"), key=proposed.key)
                .filter(effective_from__lte=after)
                .exclude(region=region)
                .values_list("region__name", flat=True)
            )
        )
    return Reevaluation(
        region=region,
        before=before,
        after=after,
        proposed=proposed,
        households=raw_h.height,
        programs=programs,
        total=total,
        townships=townships,
        townships_total=townships_total,
        changed=changed,
        overridden=overridden,
    )
