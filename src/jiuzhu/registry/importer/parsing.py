"""Reading the roster's cells: one parser per column kind, in one table.

A parser is a small function of a Column that returns Polars expressions over the whole column at once:
the value (typed; null where the cell cannot be read) and the error (the problem in words; null where the
cell is fine). Checks that compare columns or rows (a death before the birth, two heads in one family) are
the importer's, not the parsers'.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from jiuzhu.core.idcard import IdNumberError, parse_id_number, parse_id_numbers
from jiuzhu.core.tabular import RowError
from jiuzhu.core.text import CONTROL_PATTERN
from jiuzhu.registry.importer.columns import BY_KEY, COLUMNS, Column, Kind, choice_labels, choice_map

_MONEY_RE = r"^\d{1,10}(\.\d{1,2})?$"
_TRUE = ("是", "有", "Y", "y", "1", "√", "true", "True", "TRUE")
_FALSE = ("否", "无", "N", "n", "0", "×", "false", "False", "FALSE")
_GRADES = {
    **{str(g): g for g in range(1, 5)},
    **{f"{g}级": g for g in range(1, 5)},
    **{f"{c}级": g for g, c in zip(range(1, 5), "一二三四", strict=True)},
    **{c: g for g, c in zip(range(1, 5), "一二三四", strict=True)},
}
_SEXES = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
_ID_STRUCT = pl.Struct(
    {"number": pl.String, "valid": pl.Boolean, "sex": pl.String, "upgraded": pl.Boolean, "birth_date": pl.Date}
)


@dataclass(frozen=True)
class Parsed:
    value: pl.Expr  # the typed value, null where the cell cannot be read
    error: pl.Expr  # the problem in words (String), null where the cell is fine; may read pl.col(column.parsed)
    # Further columns read from the same cell, computed beside `error` (so they may read the value too).
    extra: dict[str, pl.Expr] = field(default_factory=dict)


Parser = Callable[[Column], Parsed]


def _problem(bad: pl.Expr, message: str) -> pl.Expr:
    return pl.when(bad).then(pl.lit(message, dtype=pl.String))


def _raw(column: Column) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The cell as written, whether it is filled, and the parsed value's column."""
    raw = pl.col(column.key)
    return raw, raw != "", pl.col(column.parsed)


def parse_text(column: Column) -> Parsed:
    raw, given, _out = _raw(column)
    error = pl.lit(None, dtype=pl.String)
    if column.max_length:
        error = _problem(raw.str.len_chars() > column.max_length, _("不能超过 %(n)d 个字") % {"n": column.max_length})
    if column.required:
        error = pl.when(~given).then(pl.lit(str(column.blank), dtype=pl.String)).otherwise(error)
    return Parsed(raw, error)


def parse_as_written(column: Column) -> Parsed:
    """Keys (户编号, 户主身份证号) are read when the rows are grouped into families."""
    return Parsed(pl.col(column.key), pl.lit(None, dtype=pl.String))


def _id_messages(cells: pl.Series, *, required: bool) -> pl.Series:
    """parse_id_number's own words for each invalid number (a few rows), so both forms always agree."""
    raw, valid = cells.struct.field("raw"), cells.struct.field("valid")
    bad = ~valid if required else ~valid & (raw != "")
    where = bad.arg_true()
    messages: list[str | None] = [None] * cells.len()
    for i, value in zip(where.to_list(), raw.gather(where).to_list(), strict=True):
        messages[i] = _id_message(value)
    return pl.Series(messages, dtype=pl.String)


def _id_message(raw: str) -> str:
    if not raw:
        return _("身份证号不能为空")
    try:
        parse_id_number(raw)
    except IdNumberError as exc:
        return str(exc)
    return _("身份证号无效")


def parse_id(column: Column) -> Parsed:
    """GB 11643 for the whole column (core.idcard): the value is first a struct of what the number says,
    then, beside the error, `_<key>` (18 digits, null unless valid) and `_<key>_ok`, `_birth`, `_sex`, `_is15`."""
    raw, _given, out = _raw(column)
    parsed = raw.map_batches(lambda cells: parse_id_numbers(cells).to_struct(), return_dtype=_ID_STRUCT)
    fields = out.struct.field
    return Parsed(
        parsed,
        pl.struct(raw.alias("raw"), fields("valid")).map_batches(
            functools.partial(_id_messages, required=column.required), return_dtype=pl.String
        ),
        {
            column.parsed: fields("number"),
            f"{column.parsed}_ok": fields("valid"),
            f"{column.parsed}_birth": fields("birth_date"),
            f"{column.parsed}_sex": fields("sex"),
            f"{column.parsed}_is15": fields("upgraded"),
        },
    )


def parse_choice(column: Column) -> Parsed:
    raw, given, out = _raw(column)
    # A blank person cell takes the usual case (有劳动能力…); a blank household cell is decided later.
    default = column.default if column.level == "person" else ""
    value = (
        pl.when(~given)
        .then(pl.lit(default))
        .otherwise(raw.replace_strict(choice_map(column.key), default=None, return_dtype=pl.String))
    )
    allowed = "、".join(choice_labels(column.key))
    return Parsed(value, _problem(given & out.is_null(), _("应为以下之一：%(v)s") % {"v": allowed}))


def parse_bool(column: Column) -> Parsed:
    raw, _given, out = _raw(column)
    value = raw.replace_strict(
        {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False), "": False},
        default=None,
        return_dtype=pl.Boolean,
    )
    return Parsed(value, _problem(out.is_null(), _("应为“是”或“否”")))


def parse_money(column: Column) -> Parsed:
    """Yuan with at most two decimals, thousands commas allowed; kept as text for an exact Decimal."""
    raw, given, out = _raw(column)
    clean = raw.str.replace_all(",", "", literal=True)
    value = (
        pl.when(~given)
        .then(pl.lit("0.00"))
        .when(clean.str.contains(_MONEY_RE))
        .then(clean.cast(pl.Decimal(12, 2), strict=False).cast(pl.String))
    )
    return Parsed(value, _problem(out.is_null(), _("应为不小于0的金额，最多两位小数")))


def parse_int(column: Column) -> Parsed:
    raw, given, out = _raw(column)
    value = (
        pl.when(~given)
        .then(pl.lit(int(column.default or 0)))
        .otherwise(raw.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))  # Excel's 2.0
    )
    bad = given & (out.is_null() | (out < 0) | (out > column.maximum))
    return Parsed(value, _problem(bad, _("应为 0 至 %(n)d 的整数") % {"n": column.maximum}))


def parse_date(column: Column) -> Parsed:
    """2025-03-01, 2025/3/1, 2025.3.1, 20250301, 2025年3月1日 and the ISO text of an Excel date cell."""
    raw, given, out = _raw(column)
    text = raw.str.slice(0, 10).str.replace_all(r"[/.年月]", "-").str.replace("日", "", literal=True)
    value = pl.coalesce(text.str.to_date("%Y-%m-%d", strict=False), text.str.to_date("%Y%m%d", strict=False))
    return Parsed(value, _problem(given & out.is_null(), _("日期格式应为 2025-03-01")))


def parse_grade(column: Column) -> Parsed:
    raw, given, out = _raw(column)
    value = raw.replace_strict(_GRADES, default=None, return_dtype=pl.Int64)
    return Parsed(value, _problem(given & out.is_null(), _("残疾等级应为 1、2、3 或 4")))


def parse_sex(column: Column) -> Parsed:
    raw, given, out = _raw(column)
    value = raw.replace_strict(_SEXES, default=None, return_dtype=pl.String)
    return Parsed(value, _problem(given & out.is_null(), _("性别应为“男”或“女”")))


def parse_phone(column: Column) -> Parsed:
    """Kept as written until the family's rows are compared; stored without spaces and dashes."""
    raw = pl.col(column.key)
    clean = raw.str.replace_all(r"[\s\-]", "")
    return Parsed(raw, _problem((clean != "") & ~clean.str.contains(r"^\d{7,12}$"), _("联系电话应为7至12位数字")))


def parse_account(column: Column) -> Parsed:
    raw = pl.col(column.key)
    clean = raw.str.replace_all(r"\s", "")
    return Parsed(raw, _problem((clean != "") & ~clean.str.contains(r"^\d{12,30}$"), _("银行账号应为12至30位数字")))


def parse_region(column: Column) -> Parsed:
    """The form only: whether the village exists and lies in the user's scope is asked of the database."""
    raw, given, _out = _raw(column)
    return Parsed(raw, _problem(given & ~raw.str.contains(r"^\d{12}$"), _("区划代码应为12位数字")))


PARSERS: dict[Kind, Parser] = {
    "key": parse_as_written,
    "text": parse_text,
    "id": parse_id,
    "region": parse_region,
    "choice": parse_choice,
    "bool": parse_bool,
    "money": parse_money,
    "int": parse_int,
    "grade": parse_grade,
    "date": parse_date,
    "sex": parse_sex,
    "phone": parse_phone,
    "account": parse_account,
}


def parse_cells(frame: pl.DataFrame, errors: Errors, columns: tuple[Column, ...] = COLUMNS) -> pl.DataFrame:
    """Every column's parsed value as `_<key>` beside the text; every unreadable cell into `errors`; a cell
    holding a control character (NUL, an invisible byte pasted from another system) is refused whatever its
    column (core.text)."""
    control = _("含有不可见的控制字符，请删除后重试")
    for column in columns:
        if column.key in frame.columns:
            errors.flag(frame, pl.col(column.key).str.contains(CONTROL_PATTERN), column.key, control)
    parsed = [(column, PARSERS[column.kind](column)) for column in columns]
    # Two passes, so that an error or an extra column reads the value once computed, never recomputes it.
    frame = frame.with_columns([p.value.alias(column.parsed) for column, p in parsed])
    frame = frame.with_columns(
        [p.error.alias(f"{column.parsed}_error") for column, p in parsed],
        **{name: expr for _column, p in parsed for name, expr in p.extra.items()},
    )
    for column, _p in parsed:
        errors.add_column(frame, column.key, f"{column.parsed}_error")
    return frame.drop([f"{column.parsed}_error" for column, _p in parsed])


# --- error collection ------------------------------------------------------------------------------------

_ERR_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String}


def _header(key: str) -> str:
    return BY_KEY[key].header if key in BY_KEY else key


class Errors:
    """Row errors as frames, so that a check over 100 000 rows costs one filter, not a loop."""

    def __init__(self) -> None:
        self.parts: list[pl.DataFrame] = []
        self.singles: list[tuple[int, str, str, str]] = []  # found one by one (database hits)

    def flag(self, frame: pl.DataFrame, mask: pl.Expr, key: str, message: str | pl.Expr, value: str = "") -> None:
        col = value or key
        hit = frame.select(mask.fill_null(False).alias("_bad"))["_bad"]
        if not hit.any():
            return
        # Message and value on the whole frame, the filter after: a window in the message sees every row.
        bad = (
            frame.with_columns(hit)
            .select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(_header(key)).alias("column"),
                (pl.col(col) if col in frame.columns else pl.lit("")).cast(pl.String).alias("value"),
                (message if isinstance(message, pl.Expr) else pl.lit(message)).cast(pl.String).alias("message"),
                "_bad",
            )
            .filter(pl.col("_bad"))
        )
        if bad.height:
            self.parts.append(bad.drop("_bad"))

    def add_column(self, frame: pl.DataFrame, key: str, messages: str) -> None:
        """The rows where the column `messages` (a parser's error) is filled."""
        if frame[messages].null_count() == frame.height:
            return
        self.parts.append(
            frame.filter(pl.col(messages).is_not_null()).select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(_header(key)).alias("column"),
                pl.col(key).cast(pl.String).alias("value"),
                pl.col(messages).alias("message"),
            )
        )

    def add(self, row: int, key: str, value: str, message: str) -> None:
        self.singles.append((row, _header(key), value, message))

    def __bool__(self) -> bool:
        return bool(self.parts or self.singles)

    def rows(self) -> list[RowError]:
        if not self:
            return []
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        singles = pl.DataFrame(self.singles, schema=_ERR_SCHEMA, orient="row")
        frame = pl.concat([*self.parts, singles]).with_columns(
            pl.col("column").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_o")
        )
        # Stable, so that a cell with two problems lists them in the order the checks ran.
        frame = frame.unique(["row", "column", "message"], keep="first", maintain_order=True).sort(
            "row", "_o", maintain_order=True
        )
        return [RowError(r, c, v, m) for r, c, v, m in frame.select("row", "column", "value", "message").iter_rows()]
