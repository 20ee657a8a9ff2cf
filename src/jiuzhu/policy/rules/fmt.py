"""Polars string expressions for explanation lines: a million lines are built column-wise, never in a
Python loop. Whole yuan print without decimals ("528 元"), anything else with two ("312.50 元").

Lines are marked messages (core/messages.py): the Chinese text with its message ids and parameters bracketed,
stored language-neutral and translated where they are shown; `strip` gives the Chinese text itself."""

from __future__ import annotations

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
    return text(*pieces)


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
    return pl.when(condition).then(message)


def join(*parts: pl.Expr, separator: str = "；") -> pl.Expr:
    """The parts present, the separator a message of its own (translated too)."""
    return pl.concat_str(list(parts), separator=const(separator), ignore_nulls=True)


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
