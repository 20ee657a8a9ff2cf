"""Polars string expressions for explanation lines: a million lines are built column-wise, never in a
Python loop. Whole yuan print without decimals ("528 元"), anything else with two ("312.50 元").

Lines are marked messages (core/messages.py): the Chinese text with its message ids and parameters bracketed,
stored language-neutral and translated where they are shown; `strip` gives the Chinese text itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from jiuzhu.core import messages
from jiuzhu.policy.rules.i18n import gettext_noop

DISABILITY_NAMES = {
    "visual": gettext_noop("视力"),
    "hearing": gettext_noop("听力"),
    "speech": gettext_noop("言语"),
    "physical": gettext_noop("肢体"),
    "intellectual": gettext_noop("智力"),
    "mental": gettext_noop("精神"),
    "multiple": gettext_noop("多重"),
}


def msg(template: str, /, **params: pl.Expr | str) -> pl.Expr:
    """A marked message (core.messages.msg) column-wise: `template` the message id, each parameter an
    expression (a number as text, a name, a nested message) or a constant. Null when a parameter is null."""
    names = {name for _lit, name in messages.template_parts(template) if name}
    if names != set(params):
        raise ValueError(f"parameters {sorted(params)} do not match {template!r}")
    pieces: list[pl.Expr | str] = [messages.MSG_START]
    for literal, name in messages.template_parts(template):
        pieces.append(literal)
        if name is not None:
            pieces += [f"{messages.PARAM_START}{name}{messages.PARAM_NAME_END}", params[name], messages.PARAM_END]
    pieces.append(messages.MSG_END)
    out = text(*pieces)
    nested = {n: v for n, v in params.items() if isinstance(v, pl.Expr) and _shape(v) is not None}
    if nested:  # a choice within: the message is built again from its parameters when a choice is pruned
        fixed = {n: v for n, v in params.items() if n not in nested}

        def build(parts: tuple[pl.Expr, ...]) -> pl.Expr:
            return msg(template, **fixed, **dict(zip(nested, parts, strict=True)))

        _set_shape(out, _Built(tuple(nested.values()), build))
    return out


def const(template: str) -> str:
    """A message without parameters as the constant marked text (for pl.lit, replace_strict …)."""
    return messages.msg(template)


def named(value: pl.Expr, names: tuple[str, ...]) -> pl.Expr:
    """A text column whose values among `names` (Chinese, in the catalogue) become messages, others kept."""
    return value.replace_strict({n: const(n) for n in names}, default=value, return_dtype=pl.String)


def names(values: pl.Expr, known: tuple[str, ...], separator: str = "、") -> pl.Expr:
    """A list column of texts joined, those among `known` as messages, the separator a message too."""
    return values.list.eval(named(pl.element(), known)).list.join(const(separator))


def strip(lines: pl.Expr) -> pl.Expr:
    """Marked text (a string column) as the plain Chinese text."""
    return lines.str.replace_all(messages.STRIP_PATTERN, "")


def yuan(fen: pl.Expr) -> pl.Expr:
    """Fen as yuan text; negative amounts never reach an explanation, the rules floor them first."""
    whole = (fen // 100).cast(pl.String)
    cents = (fen % 100).cast(pl.String).str.zfill(2)
    return pl.when(fen % 100 == 0).then(whole).otherwise(pl.concat_str(whole, pl.lit("."), cents))


def basis_points(bp: pl.Expr, per: int) -> pl.Expr:
    """An integer in 1/per units as the shortest decimal text: 15000/10000 → "1.5", 2000/100 → "20"."""
    whole = (bp // per).cast(pl.String)
    digits = len(str(per)) - 1
    frac = (bp % per).cast(pl.String).str.zfill(digits).str.strip_chars_end("0")
    return pl.when(bp % per == 0).then(whole).otherwise(pl.concat_str(whole, pl.lit("."), frac))


def percent(bp: pl.Expr) -> pl.Expr:
    """Basis points of the whole (2000) as a percent figure ("20")."""
    return basis_points(bp, 100)


def multiple(bp: pl.Expr) -> pl.Expr:
    """Basis points of one (15000) as a multiple ("1.5")."""
    return basis_points(bp, 10_000)


_KIND_MESSAGES = {kind: const(name) for kind, name in DISABILITY_NAMES.items()}


def disability(kind: pl.Expr, grade: pl.Expr) -> pl.Expr:
    return msg(
        "%(kind)s%(grade)s级残疾",
        kind=kind.replace_strict(_KIND_MESSAGES, default="", return_dtype=pl.String),
        grade=grade.cast(pl.String),
    )


def clause(condition: pl.Expr, message: pl.Expr) -> pl.Expr:
    """A message present only when the condition holds (null otherwise, dropped by join())."""
    return choose([(condition, message)], pl.lit(None, dtype=pl.String))


def join(*parts: pl.Expr, separator: str = "；") -> pl.Expr:
    """The parts present, the separator a message of its own (translated too)."""
    out = pl.concat_str(list(parts), separator=const(separator), ignore_nulls=True)
    if any(_shape(p) is not None for p in parts):
        _set_shape(out, _Built(parts, lambda new: join(*new, separator=separator)))
    return out


# Choices a run of a few rows can leave out. A line is one expression; each when/then in it costs its
# planning and its run on every row whether any row takes it or not, and for one household (its page) that
# is most of its evaluation. An expression built by choose() keeps its cases (and one built by msg() or
# join() of such expressions, its parts), so that `taken` can ask in one plan which branches the rows take
# and `pruned` can rebuild the line without the others: the same text for every one of those rows.
@dataclass(frozen=True, eq=False)
class _Choice:
    cases: tuple[tuple[pl.Expr, pl.Expr], ...]
    otherwise: pl.Expr


@dataclass(frozen=True, eq=False)
class _Built:
    parts: tuple[pl.Expr, ...]
    build: Callable[[tuple[pl.Expr, ...]], pl.Expr]


_SHAPE = "_jiuzhu_shape"


def _shape(expr: pl.Expr) -> _Choice | _Built | None:
    shape = getattr(expr, _SHAPE, None)
    return shape if isinstance(shape, _Choice | _Built) else None


def _set_shape(expr: pl.Expr, shape: _Choice | _Built) -> None:
    setattr(expr, _SHAPE, shape)


def choose(cases: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """pl.when(c1).then(v1).when(c2).then(v2)….otherwise(v): the value of the first case whose condition holds
    (a null condition does not), all of one type; `pruned` may leave out the cases no row takes."""
    out = _when(cases, otherwise)
    _set_shape(out, _Choice(tuple(cases), otherwise))
    return out


def _when(cases: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    out = otherwise  # the chain when(c1).then(v1).when(c2)… as Polars builds it: one when/then inside the other
    for condition, value in reversed(cases):
        out = pl.when(condition).then(value).otherwise(out)
    return out


def _choices(exprs: Iterable[pl.Expr], into: dict[int, _Choice]) -> dict[int, _Choice]:
    for expr in exprs:
        shape = _shape(expr)
        if isinstance(shape, _Choice) and id(shape) not in into:
            into[id(shape)] = shape
            _choices((*(v for _, v in shape.cases), shape.otherwise), into)
        elif isinstance(shape, _Built):
            _choices(shape.parts, into)
    return into


def taken(exprs: Iterable[pl.Expr], rows: pl.Expr | None = None) -> dict[str, pl.Expr]:
    """Per choice within `exprs`, an aggregation: the bitmask of the branches the rows (those `rows` selects, all
    by default) take — bit i the i-th case, the last bit the otherwise. Named by the choice, for `pruned`."""
    out = {}
    for key, choice in _choices(exprs, {}).items():
        branch = _when([(c, pl.lit(1 << i)) for i, (c, _) in enumerate(choice.cases)], pl.lit(1 << len(choice.cases)))
        out[f"taken:{key}"] = (branch if rows is None else branch.filter(rows)).bitwise_or()
    return out


def pruned(expr: pl.Expr, masks: Mapping[str, int | None]) -> pl.Expr:
    """`expr` without the branches no row takes (`masks`: the values of `taken`'s aggregations over the rows
    `expr` is then evaluated on; a choice not among them is kept whole). A choice its rows take in one branch
    alone is that branch."""
    shape = _shape(expr)
    if isinstance(shape, _Built):
        parts = tuple(pruned(p, masks) for p in shape.parts)
        return expr if all(a is b for a, b in zip(parts, shape.parts, strict=True)) else shape.build(parts)
    if not isinstance(shape, _Choice):
        return expr
    key = f"taken:{id(shape)}"
    if key not in masks:  # not asked about: kept whole
        return expr
    mask = masks[key] or 0  # null: no rows at all, any branch will do
    kept = [(c, pruned(v, masks)) for i, (c, v) in enumerate(shape.cases) if mask >> i & 1]
    if mask >> len(shape.cases) & 1 or not kept:
        kept.append((pl.lit(True), pruned(shape.otherwise, masks)))
    return _when(kept[:-1], kept[-1][1])


def text(*parts: pl.Expr | str) -> pl.Expr:
    """Pieces one after the other, adjacent constants merged into one literal."""
    exprs: list[pl.Expr] = []
    pending: list[str] = []
    for p in parts:
        if isinstance(p, str):
            pending.append(p)
            continue
        if pending:
            exprs.append(pl.lit("".join(pending), dtype=pl.String))
            pending = []
        exprs.append(p)
    if pending or not exprs:
        exprs.append(pl.lit("".join(pending), dtype=pl.String))
    return exprs[0] if len(exprs) == 1 else pl.concat_str(exprs)
