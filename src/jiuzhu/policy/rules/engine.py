"""The machinery that runs the programmes' entries (programs/) for any number of households, column-wise.

One pass: households are numbered by their distinct (region, date) pair, whose parameters are resolved
once; persons are laid out in household order and get their pair's values by a gather; person facts
are computed (programs/dibao.py, programs/tekun.py); the 低保 unit is summed per household as
differences of running sums at the household offsets (no hash group-by); the household decision is
gathered back for 单人保 and the person programmes, whose amounts are summed the same way; the
explanation lines are built only when asked for and only for the persons a line is about. All money is
integer fen; ratios and percents are basis points (see params.py), so every line adds up exactly.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import polars as pl

from jiuzhu.core import messages
from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.catalogue import REGISTRY
from jiuzhu.policy.rules.entry import PersonRule, Program, Registry
from jiuzhu.policy.rules.frames import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, conform
from jiuzhu.policy.rules.params import PARAMETER_SPECS, col, resolve
from jiuzhu.policy.rules.programs import dibao
from jiuzhu.policy.rules.terms import P, collect, run_size, small_run

NO_MEMBER_LINE = fmt.const("家庭中无符合条件的成员")
# The person facts every evaluation returns, before the amount of each person programme (a:CODE).
PERSON_FACTS = (
    "person_id",
    "household_id",
    "age",
    "member",
    "in_unit",
    "own",
    "tekun",
    "tekun_paid",
    "dibao_covered",
    "single_ok",
    "single_amount",
)


@dataclass(frozen=True)
class Evaluation:
    """`households`: one row per household — members, income, per-capita income (fen), class, and for
    each monthly programme `CODE.eligible`, `CODE.monthly` (fen), `CODE.persons` and `CODE.explain`.
    `persons`: one row per person with the facts and the fen amount of each person programme."""

    households: pl.DataFrame
    persons: pl.DataFrame


class _Lookup:
    """Values per context (one (region, date) pair × urban/rural), gathered into a frame of any length by
    its `ctx` column. The table has a few hundred rows even for a province, so a gather replaces a join.

    Expressions that read the table are kept with it (`memo`): a kept table (_CONTEXT_CACHE, one household's
    page asking again and again) gets the same expressions again instead of building them anew."""

    def __init__(self, table: pl.DataFrame) -> None:
        self.table = table
        self._memo: dict[object, Any] = {}

    def __call__(self, name: str) -> pl.Expr:
        return self.memo(name, lambda: pl.lit(self.table[name]).gather(pl.col("ctx")).alias(name))

    def memo(self, key: object, build: Callable[[], Any]) -> Any:
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = build()
        return hit


_LOOKUPS: OrderedDict[int, _Lookup] = OrderedDict()


def _lookup(ctx: pl.DataFrame) -> _Lookup:
    """The lookup of a contexts table, the same one while the table is kept (keyed by its identity, checked).
    Only the tables of few pairs are kept (_prepared_contexts): a large run's lookup is its own."""
    if ctx.height > 2 * _FEW_PAIRS:
        return _Lookup(ctx)
    with _CONTEXT_LOCK:
        hit = _LOOKUPS.get(id(ctx))
        if hit is not None and hit.table is ctx:
            _LOOKUPS.move_to_end(id(ctx))
            return hit
        hit = _LOOKUPS[id(ctx)] = _Lookup(ctx)
        if len(_LOOKUPS) > _CONTEXT_CACHE_SIZE:
            _LOOKUPS.popitem(last=False)
        return hit


def _unique(items: Iterable[object]) -> list[object]:
    """Items shared by several entries (the two 特困 entries share their context and columns) once."""
    seen: dict[int, object] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())


def _contexts(resolved: pl.DataFrame, entries: Sequence[Program]) -> pl.DataFrame:
    """Per (pair, urban), sorted so that row number = pair × 2 + urban: every parameter a rule needs,
    already turned into fen where a rule only reads an amount (add-ons, 特困 basic living)."""
    t = resolved.join(pl.DataFrame({"urban": [False, True]}), how="cross").sort("pair", "urban")
    first, *rest = dibao.CONTEXT
    t = t.with_columns(date_key=_date_key(pl.col("date")), **first)
    for stage in rest:
        t = t.with_columns(**stage)
    for stages in _unique(p.person.context for p in entries if p.person is not None):
        for stage in stages:  # type: ignore[attr-defined]
            t = t.with_columns(**stage)
    return t


# Contexts of few pairs, by their exact input: one household's page asks for the same (region, date)
# and the same parameters again and again, and preparing them is a fifth of its evaluation.
_FEW_PAIRS = 8
_CONTEXT_CACHE: OrderedDict[tuple[object, ...], tuple[pl.DataFrame, pl.Series, pl.Series]] = OrderedDict()
_CONTEXT_CACHE_SIZE = 256
_CONTEXT_LOCK = threading.Lock()  # a threaded server's requests share the cache


def _prepared_contexts(
    pairs: pl.DataFrame, params: pl.DataFrame, keys: tuple[str, ...], entries: tuple[Program, ...]
) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """The contexts table of the pairs and its add-on tables (_contexts, _addon_tables). Few pairs are
    looked up in a small cache keyed by the pairs, the parameter rows themselves (so a new value, or another
    database, is another key: nothing to invalidate), the keys and the entries."""
    key: tuple[object, ...] | None = None
    if pairs.height <= _FEW_PAIRS:
        key = (tuple(pairs.select("region", "date").iter_rows()), tuple(params.iter_rows()), keys, entries)
        with _CONTEXT_LOCK:
            hit = _CONTEXT_CACHE.get(key)
            if hit is not None:
                _CONTEXT_CACHE.move_to_end(key)
                return hit
    resolved = pairs.join(resolve(pairs, params, list(keys)), on=["region", "date"], how="left").sort("pair")
    ctx = _contexts(resolved, entries)
    out = (ctx, *_addon_tables(ctx))
    if key is not None:
        with _CONTEXT_LOCK:
            _CONTEXT_CACHE[key] = out
            if len(_CONTEXT_CACHE) > _CONTEXT_CACHE_SIZE:
                _CONTEXT_CACHE.popitem(last=False)
    return out


def _addon_tables(ctx: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """For every context and every set of 分类施保 conditions a person meets (a 4-bit mask in the order
    of CLASSIFIED), the add-on paid — the largest that applies — and its class (index into CLASSIFIED,
    the first in that order on a tie; null when none applies). Indexed by ctx × 16 + mask."""
    addon, cls = _addon_exprs()
    flat = ctx.select(addon=addon, cls=cls).explode("addon", "cls")
    return flat["addon"], flat["cls"]


@cache
def _addon_exprs() -> tuple[pl.Expr, pl.Expr]:
    classes = dibao.CLASSIFIED
    addons, kinds = [], []
    for mask in range(1 << len(classes)):
        cands = [pl.col(f"add_{c}") if mask >> i & 1 else pl.lit(0, dtype=pl.Int64) for i, (c, _) in enumerate(classes)]
        best = pl.max_horizontal(*cands)
        cls: pl.Expr = pl.lit(None, dtype=pl.Int8)
        for i in reversed(range(len(classes))):
            if mask >> i & 1:
                cls = pl.when((best > 0) & (cands[i] == best)).then(pl.lit(i, dtype=pl.Int8)).otherwise(cls)
        addons.append(best)
        kinds.append(cls)
    return pl.concat_list(addons), pl.concat_list(kinds)


def _addon_exprs_of(addon: pl.Series, cls: pl.Series) -> tuple[pl.Expr, pl.Expr]:
    """A person's add-on and its class, read from the add-on tables by their row (_addon_mask)."""
    mask = _addon_mask()
    return pl.lit(addon).gather(mask), pl.lit(cls).gather(mask)


@cache
def _addon_mask() -> pl.Expr:
    """The row of the add-on tables for a person: ctx × 2^classes + the mask of their classes."""
    n = len(dibao.CLASSIFIED_WHEN)
    return sum(
        (cond.cast(pl.Int64) * (1 << i) for i, cond in enumerate(dibao.CLASSIFIED_WHEN)),
        start=pl.col("ctx").cast(pl.Int64) * (1 << n),
    )


# Interleaved amounts of a contexts table, kept beside it while the table itself is kept (_CONTEXT_CACHE): one
# household's page asks for the same tables again and again. Keyed by the table's identity, checked on a hit.
_FLAT_CACHE: OrderedDict[tuple[int, tuple[str, ...]], tuple[pl.DataFrame, pl.Series]] = OrderedDict()


def _flat(ctx: pl.DataFrame, keys: Sequence[str]) -> pl.Series:
    """Amounts of several keys per context interleaved, so `ctx × len(keys) + tier` picks one."""
    key = (id(ctx), tuple(keys))
    with _CONTEXT_LOCK:
        hit = _FLAT_CACHE.get(key)
        if hit is not None and hit[0] is ctx:
            return hit[1]
    flat = ctx.select(pl.concat_list([P(k) for k in keys]).alias("v")).explode("v")["v"]
    with _CONTEXT_LOCK:
        _FLAT_CACHE[key] = (ctx, flat)
        if len(_FLAT_CACHE) > _CONTEXT_CACHE_SIZE:
            _FLAT_CACHE.popitem(last=False)
    return flat


def _date_key(d: pl.Expr) -> pl.Expr:
    """YYYYMMDD as an integer: the difference of two keys floor-divided by 10 000 is the age in years."""
    return d.dt.year().cast(pl.Int32) * 10_000 + d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)


_FEW_BIRTHS = 1_000


def _birth_keys(birth: pl.Series) -> pl.Expr:
    """The date key of every birth date, read from a table of the days between the earliest and the
    latest birth date: a gather instead of three calendar decompositions of millions of dates."""
    if birth.len() <= _FEW_BIRTHS:  # one household: decomposing its dates costs less than a century's table
        return _date_key(pl.col("birth_date"))
    days = birth.cast(pl.Int32)
    lo, hi = days.min(), days.max()
    if lo is None or hi is None:
        return pl.lit(None, dtype=pl.Int32)
    first = dt.date(1970, 1, 1) + dt.timedelta(days=int(str(lo)))
    last = dt.date(1970, 1, 1) + dt.timedelta(days=int(str(hi)))
    table = pl.select(_date_key(pl.date_range(first, last))).to_series()
    return pl.lit(table).gather(pl.col("birth_date").cast(pl.Int32) - int(str(lo)))


def _pairs(hh: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The distinct (region, date) pairs, numbered, and each household's pair number. Parameters are
    resolved once per pair. Pairs are told apart by a hash of both, checked against the households'
    own values, with a join on the text as the fallback should two pairs ever share a hash."""
    keys = hh.select("region", "date")
    if hh.height == 1:  # one household (its page): one pair, nothing to tell apart
        return keys.with_row_index("pair"), pl.Series("pair", [0], dtype=pl.UInt32)
    h = keys.select(pl.struct("region", "date").hash().alias("h"))["h"]
    first = h.arg_unique()
    pairs = keys[first].with_columns(h=h.gather(first)).with_row_index("pair")
    pair = h.to_frame().join(pairs.select("h", "pair"), on="h", how="left", maintain_order="left")["pair"]
    if keys.equals(pairs.select("region", "date")[pair]):
        return pairs.drop("h"), pair
    pairs = keys.unique(maintain_order=True).with_row_index("pair")
    return pairs, keys.join(pairs, on=["region", "date"], how="left", maintain_order="left")["pair"]


def _layout(hh: pl.DataFrame, persons: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The persons in household order with `_row`, their household's row, and the offsets: household
    i's persons are rows offsets[i] to offsets[i + 1]. Persons of a household not given are left out.

    Sums per household are then differences of running sums at the offsets, an order of magnitude
    faster than a hash group-by over a million households. Persons already in the households' order
    (the usual case: both read from the database by id) are recognised in one pass."""
    ids, pid = hh["household_id"], persons["household_id"]
    h = hh.height
    if h == 1:  # one household (its page): its persons are row 0, whatever their order
        mine = (pid == ids[0]).fill_null(False)
        people = persons if mine.all() else persons.filter(mine)
        rows = pl.Series("_row", np.zeros(people.height, dtype=np.uint32)).set_sorted()
        return people.hstack([rows]), pl.Series([0, people.height], dtype=pl.Int64)
    increasing = ids.is_sorted() and bool((ids.diff().slice(1) > 0).all())
    if not increasing and ids.n_unique() != h:
        raise ValueError("household_id must be unique")
    if increasing and persons.height and pid.is_sorted():
        starts = (pid != pid.shift(1)).fill_null(True)
        if starts.sum() == h and pid.filter(starts).equals(ids, check_names=False):
            rows = (starts.cast(pl.UInt32).cum_sum() - 1).alias("_row")
            offsets = pl.concat([starts.arg_true(), pl.Series([persons.height], dtype=pl.UInt32)])
            return persons.with_columns(rows.set_sorted()), offsets.cast(pl.Int64)
    order = ids.arg_sort()
    sorted_ids = ids.gather(order)
    pos = sorted_ids.search_sorted(pid).cast(pl.Int64)
    found = (pos < h) & (sorted_ids.gather(pos.clip(0, max(h - 1, 0))) == pid) if h else pos < 0
    people = persons.filter(found).with_columns(_row=order.gather(pos.filter(found)).cast(pl.UInt32))
    if not people["_row"].is_sorted():
        people = people.sort("_row", maintain_order=True)
    counts = np.bincount(people["_row"].to_numpy(), minlength=h)
    offsets = pl.Series(np.concatenate([[0], np.cumsum(counts)]), dtype=pl.Int64)
    return people.with_columns(pl.col("_row").set_sorted()), offsets


_MATRIX_ROWS = 10_000  # persons


def _with_sums(hh: pl.DataFrame, people: pl.DataFrame, exprs: Sequence[pl.Expr], offsets: pl.Series) -> pl.LazyFrame:
    """The households with their sums (_segment_sums); for one household, in the plan that reads them."""
    if offsets.len() == 2:
        sums = people.lazy().select(_totals(exprs))
        return pl.concat([hh.lazy(), sums], how="horizontal")
    return hh.hstack(_segment_sums(people, exprs, offsets)).lazy()


_TOTALS: dict[int, tuple[Sequence[pl.Expr], tuple[pl.Expr, ...]]] = {}


def _totals(exprs: Sequence[pl.Expr]) -> tuple[pl.Expr, ...]:
    """Each expression's sum over the frame; kept for the engine's own lists (built once, keyed by identity)."""
    hit = _TOTALS.get(id(exprs))
    if hit is not None and hit[0] is exprs:
        return hit[1]
    totals = tuple(e.fill_null(0).cast(pl.Int64).sum() for e in exprs)
    if len(_TOTALS) < 64:
        _TOTALS[id(exprs)] = (exprs, totals)
    return totals


def _segment_sums(people: pl.DataFrame, exprs: Sequence[pl.Expr], offsets: pl.Series) -> pl.DataFrame:
    """Per household, the sum of each of `exprs` over its persons (`people`, in household order): differences
    of the running sum at the offsets; for one household (its page), the sums of one plan."""
    if offsets.len() == 2:
        return people.select(_totals(exprs))
    values = people.select(exprs)
    at = offsets.to_numpy()
    schema = dict.fromkeys(values.columns, pl.Int64)
    if values.width and values.height <= _MATRIX_ROWS:
        # A few households: all columns at once as one 2-D array, one conversion instead of one per column.
        matrix = values.select(pl.all().fill_null(0).cast(pl.Int64)).to_numpy()
        running_all = np.zeros((values.height + 1, values.width), dtype=np.int64)
        np.cumsum(matrix, axis=0, out=running_all[1:])
        return pl.DataFrame(np.diff(running_all[at], axis=0), schema=schema, orient="row")
    out = {}
    for name in values.columns:  # column by column: a province's run never holds every column twice at once
        running = np.zeros(values.height + 1, dtype=np.int64)
        np.cumsum(values[name].fill_null(0).to_numpy(), out=running[1:])
        out[name] = np.diff(running[at])
    return pl.DataFrame(out, schema=schema)


def _rule(program: Program) -> PersonRule:
    assert program.person is not None
    return program.person


def evaluate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    params: pl.DataFrame,
    *,
    date: dt.date | None = None,
    explain: bool = True,
    marked: bool = False,
    programs: Iterable[str] | None = None,
    registry: Registry = REGISTRY,
) -> Evaluation:
    """Evaluates the monthly programmes, all of them unless `programs` names some (the 低保 decision
    itself, with its 特困 carve-out and 单人保, is always made: the others depend on it). `date` fills
    the households' `date` column when it is absent. `explain=False` leaves out the `CODE.persons` and
    `CODE.explain` columns (the persons frame still says who is covered by what): the monthly run needs
    amounts, a caseworker's screen the reasons. The lines are Chinese text; `marked=True` gives them as marked
    messages (core/messages.py: the same text with its message ids and parameters, what is stored and then
    shown in the reader's language). `registry` is the set of programme entries (tests give their own)."""
    with run_size(households.height):
        return _evaluate(
            households, persons, params, date=date, explain=explain, plain=not marked, programs=programs,
            registry=registry,
        )  # fmt: skip


def _evaluate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    params: pl.DataFrame,
    *,
    date: dt.date | None,
    explain: bool,
    plain: bool,
    programs: Iterable[str] | None,
    registry: Registry,
) -> Evaluation:
    codes = registry.selected(programs)
    entries = registry.person_programs(codes)
    if "date" not in households.columns:
        if date is None:
            raise ValueError("evaluate() needs a date column or the date argument")
        households = households.with_columns(date=pl.lit(date, dtype=pl.Date))
    hh = conform(households, HOUSEHOLD_COLUMNS, "households").with_row_index("_row")
    pairs, pair = _pairs(hh)
    wanted = {*dibao.KEYS, *registry.keys}
    keys = [k for k in PARAMETER_SPECS if k in wanted]
    ctx, addon, cls = _prepared_contexts(pairs, params, tuple(keys), tuple(entries))
    look = _lookup(ctx)
    hh = hh.with_columns(ctx=pair.cast(pl.UInt32) * 2 + pl.col("urban").cast(pl.UInt32))
    ps, offsets = _layout(hh, conform(persons, PERSON_COLUMNS, "persons"))
    age = (look("date_key") - _birth_keys(ps["birth_date"])) // 10_000
    people = ps.lazy().with_columns(ctx=pl.lit(hh["ctx"]).gather(pl.col("_row")))
    ps = collect(dibao.person_facts(people, look, age, *look.memo("addon", lambda: _addon_exprs_of(addon, cls))))
    house = dibao.household_decision(_with_sums(hh, ps, dibao.unit_values(explain), offsets), look)
    people = ps.lazy().with_columns(
        dibao=pl.lit(house["dibao"]).gather(pl.col("_row")), edge=pl.lit(house["edge"]).gather(pl.col("_row"))
    )
    ps = collect(_person_programs(dibao.single_person(people, look), ctx, look, entries))
    sums = _segment_sums(ps, _program_sums(entries), offsets)
    house = house.hstack(sums)
    details = _details(ps, house, look, entries, plain=plain) if explain else None
    out = [*PERSON_FACTS, *(f"a:{p.code}" for p in entries)]
    return Evaluation(
        households=_output(house, details, registry.household_programs(codes), entries, plain=plain),
        persons=pl.DataFrame([ps.get_column(name) for name in out]),  # columns as they are: no plan
    )


@lru_cache(maxsize=16)
def _program_sums(entries: tuple[Program, ...]) -> tuple[pl.Expr, ...]:
    """What the households sum of their persons' programmes: 单人保 and each entry's amount."""
    return (
        pl.col("single_amount").alias("single_total"),
        *(pl.col(f"a:{p.code}").alias(f"{p.code}.monthly") for p in entries),
    )


def _person_programs(
    people: pl.LazyFrame, ctx: pl.DataFrame, look: _Lookup, entries: Sequence[Program]
) -> pl.LazyFrame:
    """Each entry's amount per person: the amount of its tier in the person's context, or its own."""
    if not entries:
        return people
    stages = look.memo(("programs", tuple(entries)), lambda: _program_stages(ctx, look, entries))
    for stage in stages:
        people = people.with_columns(**stage)
    return people


def _program_stages(ctx: pl.DataFrame, look: _Lookup, entries: Sequence[Program]) -> list[dict[str, pl.Expr]]:
    c = pl.col("ctx").cast(pl.Int64)

    def pick(keys: Sequence[str], tier: pl.Expr) -> pl.Expr:
        if len(keys) == 1:  # one amount: the context's own value, nothing to interleave
            return pl.when(tier.is_not_null()).then(look(col(keys[0]))).otherwise(0)
        # Indexed by the number of tiers of this programme: ctx × tiers + tier.
        flat = _flat(ctx, keys)
        return pl.lit(flat).gather(c * len(keys) + tier.fill_null(0)).fill_null(0) * tier.is_not_null()

    stages: list[dict[str, pl.Expr]] = []
    for prepare in _unique(_rule(p).prepare for p in entries if _rule(p).prepare is not None):
        stages += prepare(pick, look)  # type: ignore[operator]
    amounts = {}
    for p in entries:
        rule = _rule(p)
        amounts[f"a:{p.code}"] = rule.amount if rule.amount is not None else pick(rule.tiers, rule.tier)
    return [*stages, amounts]


def _paid_or_about(p: Program) -> pl.Expr:
    rule = _rule(p)
    return rule.about if rule.about is not None else pl.col(f"a:{p.code}") > 0


def _details(
    people: pl.DataFrame, house: pl.DataFrame, look: _Lookup, entries: tuple[Program, ...], *, plain: bool
) -> pl.LazyFrame:
    """Who is covered and why, per household and programme. Lines are built only for the persons a
    line is about (covered, 单人保 candidates, those an entry's line is about), so most of a million
    persons cost nothing. With `plain`, each line is stripped of its marks as it is built (fmt.strip). A lazy
    frame: the output's plan reads it."""
    lines = _lines(entries)
    base = collect(
        people.lazy()
        .filter(lines.shown)
        .with_columns(
            *(look(r) for r in lines.reads),
            area_name=_area_name(),
            label=pl.coalesce("label", pl.col("person_id").cast(pl.String)),
            addon_bp=pl.coalesce(
                *(pl.when(pl.col("category") == i).then(look(f"bp_{c}")) for i, (c, _) in enumerate(dibao.CLASSIFIED))
            ),
        )
    ).lazy()
    per_house = base.group_by("_row", maintain_order=True).agg(*lines.persons)
    # Which kinds of line anyone is about: one household (its page) has persons for a few at most, and a
    # line nobody is about costs its planning alone, most of the time of one household's evaluation. In a
    # run of a few households, also which branches of each line its rows take (fmt.taken), in the same plan.
    small = small_run()
    hh_base = house.lazy().with_columns(*(look(r) for r in dibao.HOUSEHOLD_LINE_READS), area_name=_area_name())
    checks = [base.select(*lines.about, **(lines.taken if small else {}))]
    if small:
        checks.append(hh_base.select(**lines.household_taken))
    found = collect(pl.concat(checks, how="horizontal")).row(0, named=True)

    def masks(prefix: str) -> tuple[tuple[str, int | None], ...] | None:
        return tuple((k[len(prefix) :], v) for k, v in found.items() if k.startswith(prefix)) if small else None

    for i, part in enumerate(lines.parts):
        if not found[f"about:{i}"]:
            per_house = per_house.with_columns(part.absent)
            continue
        # The line is computed before grouping: an expression inside agg() runs group by group.
        some = base.filter(part.rows).with_columns(_part_line(entries, i, masks(f"{i}|"), plain), *part.listed)
        listed_lines = some.group_by("_row", maintain_order=True).agg(*part.lines)
        per_house = per_house.join(listed_lines, on="_row", how="left", maintain_order="left")
    hh_lines = hh_base.select("_row", _household_lines(masks("h|"), plain))
    return hh_lines.join(per_house, on="_row", how="left", maintain_order="left")


@dataclass(frozen=True)
class _Part:
    """One kind of person line: whom it is about, the line, and the programme columns it is listed under."""

    rows: pl.Expr
    line: pl.Expr
    listed: tuple[pl.Expr, ...]  # per programme column, whether a person's line is listed under it: in:NAME
    lines: tuple[pl.Expr, ...]  # the aggregations of the listed lines per household
    absent: tuple[pl.Expr, ...]  # the columns when nobody is about the line


@dataclass(frozen=True)
class _Lines:
    shown: pl.Expr  # the persons any line is about
    reads: tuple[str, ...]  # the context columns the lines read besides std and the label
    persons: tuple[pl.Expr, ...]  # the aggregations of who is covered by what, per household
    parts: tuple[_Part, ...]
    about: tuple[pl.Expr, ...]  # whether anyone is about each part: about:INDEX
    taken: dict[str, pl.Expr]  # which branches each part's rows take: INDEX|KEY (fmt.taken)
    household_taken: dict[str, pl.Expr]  # the same for the household lines: h|KEY


@lru_cache(maxsize=16)  # expressions are immutable and read no data: built once per set of programmes
def _lines(entries: tuple[Program, ...]) -> _Lines:
    pid = pl.col("person_id")
    # Entries sharing a line and whom it is about (the two 特困 entries) build it once.
    groups: dict[tuple[int, int], tuple[pl.Expr, pl.Expr, dict[str, pl.Expr]]] = {
        (0, 0): (pl.col("single_cand"), dibao.single_line(), {"single_lines": pl.lit(True)})
    }
    for p in entries:
        rule = _rule(p)
        group = (id(rule.line), id(rule.about) if rule.about is not None else id(p))
        _, _, outputs = groups.setdefault(group, (_paid_or_about(p), rule.line, {}))
        outputs[f"{p.code}.explain"] = rule.listed if rule.listed is not None else pl.lit(True)
    parts = tuple(
        _Part(
            rows=rows,
            line=line,
            listed=tuple(keep.alias(f"in:{name}") for name, keep in outputs.items()),
            lines=tuple(pl.col("line").filter(f"in:{name}").alias(name) for name in outputs),
            absent=tuple(pl.lit(None, dtype=pl.List(pl.String)).alias(name) for name in outputs),
        )
        for rows, line, outputs in groups.values()
    )
    return _Lines(
        shown=pl.any_horizontal(pl.col("dibao_covered"), pl.col("single_cand"), *(_paid_or_about(p) for p in entries)),
        reads=tuple(dict.fromkeys(r for p in entries for r in _rule(p).reads)),
        persons=(
            pid.filter("dibao_covered").alias("dibao.persons"),
            *(pid.filter(pl.col(f"a:{p.code}") > 0).alias(f"{p.code}.persons") for p in entries),
        ),
        parts=parts,
        about=tuple(pl.any_horizontal(part.rows).any().alias(f"about:{i}") for i, part in enumerate(parts)),
        taken={f"{i}|{k}": v for i, part in enumerate(parts) for k, v in fmt.taken([part.line], part.rows).items()},
        household_taken={f"h|{k}": v for k, v in fmt.taken(dibao.household_lines()).items()},
    )


def _text(line: pl.Expr, plain: bool) -> pl.Expr:
    return fmt.strip(line) if plain else line


@lru_cache(maxsize=1024)  # one entry per set of branches a part's rows take: a few dozen at most
def _part_line(
    entries: tuple[Program, ...], index: int, masks: tuple[tuple[str, int | None], ...] | None, plain: bool
) -> pl.Expr:
    """A part's line, without the branches its rows do not take (`masks`: fmt.taken's answers; None: all)."""
    line = _lines(entries).parts[index].line
    return _text(line if masks is None else fmt.pruned(line, dict(masks)), plain).alias("line")


@lru_cache(maxsize=256)
def _household_lines(masks: tuple[tuple[str, int | None], ...] | None, plain: bool) -> pl.Expr:
    lines = dibao.household_lines()
    if masks is not None:
        lines = tuple(fmt.pruned(line, dict(masks)) for line in lines)
    return pl.concat_list(*(_text(line, plain) for line in lines)).alias("dibao_lines")


def _area_name() -> pl.Expr:  # compared by terms.std_text
    return pl.when(pl.col("ctx") % 2 == 1).then(pl.lit("城市")).otherwise(pl.lit("农村")).alias("area_name")


def _output(
    house: pl.DataFrame,
    details: pl.LazyFrame | None,
    household: Sequence[Program],
    entries: Sequence[Program],
    *,
    plain: bool,
) -> pl.DataFrame:
    """The households frame; its lines (`details`) are plain text already when `plain` says so."""
    h = house.lazy() if details is None else house.lazy().join(details, on="_row", how="left", maintain_order="left")
    return collect(h.select(_output_exprs(tuple(household), tuple(entries), details is not None, plain)))


@lru_cache(maxsize=64)  # expressions are immutable and read no data: built once per set of programmes
def _output_exprs(
    household: tuple[Program, ...], entries: tuple[Program, ...], details: bool, plain: bool
) -> tuple[pl.Expr, ...]:
    def text(line: str) -> str:
        return messages.plain(line) if plain else line

    empty_ids = pl.lit([], dtype=pl.List(pl.Int64))
    dibao_monthly = pl.col("hh_amount") + pl.col("single_total").fill_null(0)
    out: list[pl.Expr] = [
        pl.col("household_id", "region", "date", "urban", "members", "income", "per_capita", "class"),
    ]
    for p in household:
        assert p.household is not None
        applies = pl.col("urban") if p.household.urban else ~pl.col("urban")
        monthly = pl.when(applies).then(dibao_monthly).otherwise(0)
        out += [(monthly > 0).alias(f"{p.code}.eligible"), monthly.alias(f"{p.code}.monthly")]
        if details:
            lines = pl.concat_list(
                "dibao_lines", pl.col("single_lines").fill_null(pl.lit([], dtype=pl.List(pl.String)))
            )
            out += [
                pl.when(applies & (monthly > 0))
                .then(pl.col("dibao.persons").fill_null(empty_ids))
                .otherwise(empty_ids)
                .alias(f"{p.code}.persons"),
                pl.when(applies)
                .then(lines)
                .otherwise(pl.concat_list(pl.lit(text(p.household.other_area_line))))
                .alias(f"{p.code}.explain"),
            ]
    for p in entries:
        monthly = pl.col(f"{p.code}.monthly").fill_null(0)
        out += [(monthly > 0).alias(f"{p.code}.eligible"), monthly]
        if details:
            lines = pl.col(f"{p.code}.explain")
            out += [
                pl.col(f"{p.code}.persons").fill_null(empty_ids),
                pl.when(lines.list.len().fill_null(0) > 0)
                .then(lines)
                .otherwise(pl.concat_list(pl.lit(text(NO_MEMBER_LINE))))
                .alias(f"{p.code}.explain"),
            ]
    return tuple(out)
