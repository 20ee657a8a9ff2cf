"""The words the rules are written in: a parameter's value, a share in basis points, rounding."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

from jiuzhu.policy.rules import fmt
from jiuzhu.policy.rules.params import col


def P(key: str) -> pl.Expr:  # reads like the formula: P("dibao.standard.urban")
    return pl.col(col(key))


ROUNDING_MODES = {"ceil_yuan": 0, "round_yuan": 1, "fen": 2}


def rounded(raw: pl.Expr, mode: pl.Expr) -> pl.Expr:
    """Fen rounded as the region's `dibao.rounding` says (mode: ROUNDING_MODES' number)."""
    return pl.when(mode == 0).then((raw + 99) // 100 * 100).when(mode == 1).then((raw + 50) // 100 * 100).otherwise(raw)


def share(amount: pl.Expr, bp: pl.Expr) -> pl.Expr:
    """amount × bp / 10 000, rounded half up to the fen."""
    return (amount * bp + 5_000) // 10_000


def rounding_clause(raw: pl.Expr, final: pl.Expr) -> pl.Expr:
    return fmt.choose(
        [
            (
                final != raw,
                fmt.msg("合计 %(raw)s 元，按规定取整为 %(amount)s 元", raw=fmt.yuan(raw), amount=fmt.yuan(final)),
            )
        ],
        fmt.msg("合计 %(raw)s 元", raw=fmt.yuan(raw)),
    )


MENTAL = ("intellectual", "mental")
# The same as a test on the column: two comparisons cost less than a set lookup over millions of rows.
IS_MENTAL = (pl.col("disability_kind") == "intellectual") | (pl.col("disability_kind") == "mental")


def who() -> pl.Expr:
    """The person a line is about: "张三" (the label is the person id when absent); a parameter of the line."""
    return pl.col("label")


def disability() -> pl.Expr:
    """ "肢体2级残疾"."""
    return fmt.disability(pl.col("disability_kind"), pl.col("disability_grade"))


def std_text() -> pl.Expr:
    """ "城市低保标准 528 元"."""
    amount = fmt.yuan(pl.col("std"))
    return fmt.choose(
        [(pl.col("area_name") == "城市", fmt.msg("城市低保标准 %(amount)s 元", amount=amount))],
        fmt.msg("农村低保标准 %(amount)s 元", amount=amount),
    )


# A few households (one household's page, a case's snapshot) are evaluated with Polars' plan for eager
# DataFrame operations: planning the lazy queries' optimisations costs more than running them on a handful
# of rows (a fifth of one household's evaluation). Large runs keep every optimisation. None on a Polars
# without optimisation flags: collect() as usual.
SMALL_RUN = 64  # households
_small: ContextVar[bool] = ContextVar("small_run", default=False)
_flags = getattr(getattr(pl, "QueryOptFlags", None), "_eager", None)
_EAGER = _flags() if callable(_flags) else None


@contextmanager
def run_size(households: int) -> Iterator[None]:
    """Within it, collect() plans for the size of this run."""
    token = _small.set(households <= SMALL_RUN)
    try:
        yield
    finally:
        _small.reset(token)


def small_run() -> bool:
    """Whether this run is of a few households (run_size)."""
    return _small.get()


def collect(frame: pl.LazyFrame) -> pl.DataFrame:
    if _EAGER is not None and _small.get():
        return frame.collect(optimizations=_EAGER)
    return frame.collect()
