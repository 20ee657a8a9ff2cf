"""Person records as other departments write them, made comparable: ID numbers to 18 ASCII digits (15-digit
numbers upgraded, full-width digits and spaces removed, x upper-cased), names without spaces, their pinyin
character by character, sex and birth date from the ID number where the columns are empty, and the village
of an address with 村委会 / 村民委员会 read as 村.

Everything is a Polars expression over the contract's columns, so the same code prepares a hundred rows for a
caseworker's comparison and ten million death records in a lazy, streaming query."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import polars as pl
from pypinyin import Style, lazy_pinyin

from jiuzhu.core.idcard import check_character_expr

PERSON_COLUMNS = ("id", "name", "id_number", "gender", "birth_date", "address")

_FULL = [chr(0xFF10 + i) for i in range(10)] + ["Ｘ", "ｘ", "　"]
_HALF = [str(i) for i in range(10)] + ["X", "X", ""]
_OLDEST = dt.date(1880, 1, 1)
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F", "1": "M", "2": "F"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d")
# The committee (委员会) of a village or a neighbourhood is the village or the neighbourhood.
_ADDRESS_VARIANTS = (
    (r"村?村(?:民委员会|委会|委)", "村"),  # 管头村村委会, 管头村委会, 管头村民委员会 → 管头村
    (r"(?:社区)?(?:居民委员会|居委会)", "社区"),
)
_VILLAGE = r"([^省市县区镇乡街道路号\d]{1,6}?(?:村|社区))"


def normalise_id_numbers(expr: pl.Expr) -> pl.Expr:
    """ID numbers as 18 ASCII characters: spaces and full-width characters removed or converted, x → X,
    15-digit numbers upgraded to 18 (born 19xx, check character computed by GB 11643). Whether the result is
    valid is `id_valid_expr`'s to say; an empty cell is null."""
    s = expr.cast(pl.String).str.replace_many(_FULL, _HALF).str.replace_all(r"[\s\-]", "").str.to_uppercase()
    first17 = pl.concat_str(s.str.slice(0, 6), pl.lit("19"), s.str.slice(6, 9))
    upgraded = pl.concat_str(first17, check_character_expr(first17.cast(pl.Int64, strict=False)))
    s = pl.when(s.str.contains(r"^\d{15}$")).then(upgraded).otherwise(s)
    return pl.when(s.str.len_chars() > 0).then(s)


def id_birth_expr(normalised: pl.Expr) -> pl.Expr:
    """The birth date written in an 18-digit number (null if it is no date)."""
    return normalised.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)


def id_valid_expr(normalised: pl.Expr, *, today: dt.date | None = None) -> pl.Expr:
    """True where a normalised number is a valid resident ID: 17 digits and a check character that agrees
    (computed by `jiuzhu.core.idcard`), and a birth date between 1880 and today."""
    today = today or dt.date.today()
    birth = id_birth_expr(normalised)
    check = check_character_expr(normalised.str.slice(0, 17).cast(pl.Int64, strict=False))
    return (
        (
            normalised.str.contains(r"^\d{17}[\dX]$")
            & (normalised.str.slice(17, 1) == check)
            & birth.is_between(pl.lit(_OLDEST), pl.lit(today))
        )
        .fill_null(False)
        .alias("id_valid")
    )


def prepare_ids(frame: pl.LazyFrame, *, today: dt.date | None = None) -> pl.LazyFrame:
    """Only the ID columns: `id`, `id_number` (normalised, null unless valid), `id_norm` (normalised as
    written), `id_valid`. What the exact stage needs, cheap enough for ten million rows."""
    norm = pl.col("id_norm")
    return (
        frame.select(pl.col("id").cast(pl.String), normalise_id_numbers(pl.col("id_number")).alias("id_norm"))
        .with_columns(id_valid_expr(norm, today=today))
        .with_columns(pl.when(pl.col("id_valid")).then(norm).alias("id_number"))
    )


@lru_cache(maxsize=50_000)
def _char_pinyin(char: str) -> str:
    readings = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return readings[0].lower() if readings else char.lower()


def pinyin_syllables(names: pl.Series) -> pl.Series:
    """Each name as its characters' default toneless readings joined by spaces (伟, 玮 and 炜 all "wei"):
    one reading per character, the same on both sides of a comparison, looked up once per distinct
    character and applied as a Polars replace."""
    chars = names.drop_nulls().str.split("").explode().drop_nulls().unique().to_list()
    mapping = {c: _char_pinyin(c) for c in chars if c}
    return (
        names.to_frame("n")
        .select(
            pl.col("n")
            .str.split("")
            .list.eval(pl.element().replace_strict(mapping, default=pl.element(), return_dtype=pl.String))
            .list.join(" ")
        )
        .to_series()
        .alias("name_pinyin")
    )


def _clean_text(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.replace_many(_FULL, _HALF).str.replace_all(r"[\s·•\.]", "")
    return pl.when(text.str.len_chars() > 0).then(text)


def _birth_date(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce([text.str.to_date(f, strict=False) for f in _DATE_FORMATS])


def _address(expr: pl.Expr) -> pl.Expr:
    text = _clean_text(expr)
    for variant, plain in _ADDRESS_VARIANTS:
        text = text.str.replace_all(variant, plain)
    return text


def prepare(frame: pl.DataFrame, *, today: dt.date | None = None) -> pl.DataFrame:
    """The contract's columns (PERSON_COLUMNS, any but `id` may be missing or empty) → the columns the
    linkage compares: id, name, name_pinyin, surname, surname_pinyin, given, given_pinyin, id_number (null
    unless valid), id_norm, id_valid, id_birth, sex ("M"/"F": the column, else the ID number), birth_date
    (the column, else the ID number), address (committee variants read as the village), village."""
    missing = [c for c in PERSON_COLUMNS if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    norm = pl.col("id_norm")
    out = (
        frame.lazy()
        .select(
            pl.col("id").cast(pl.String),
            _clean_text(pl.col("name")).alias("name"),
            normalise_id_numbers(pl.col("id_number")).alias("id_norm"),
            pl.col("gender").cast(pl.String).str.strip_chars().replace_strict(_SEX, default=None).alias("gender"),
            _birth_date(pl.col("birth_date")).alias("birth_col"),
            _address(pl.col("address")).alias("address"),
        )
        .with_columns(id_valid_expr(norm, today=today), id_birth_expr(norm).alias("id_birth"))
        .with_columns(
            pl.when(pl.col("id_valid")).then(norm).alias("id_number"),
            pl.coalesce(
                pl.col("gender"),
                pl.when(pl.col("id_valid")).then(
                    pl.when(norm.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
                    .then(pl.lit("M"))
                    .otherwise(pl.lit("F"))
                ),
            ).alias("sex"),
            pl.coalesce(pl.col("birth_col"), pl.when(pl.col("id_valid")).then(pl.col("id_birth"))).alias("birth_date"),
            pl.col("address").str.extract(_VILLAGE, 1).alias("village"),
            pl.col("name").str.slice(0, 1).alias("surname"),
            pl.col("name").str.slice(1).alias("given"),
        )
        .collect()
    )
    pinyin = pinyin_syllables(out["name"])
    out = out.with_columns(pinyin).with_columns(
        pl.col("name_pinyin").str.split(" ").list.first().alias("surname_pinyin"),
        pl.col("name_pinyin").str.split(" ").list.slice(1).list.join(" ").alias("given_pinyin"),
    )
    return out.select(
        "id",
        "name",
        "name_pinyin",
        "surname",
        "surname_pinyin",
        "given",
        "given_pinyin",
        "id_number",
        "id_norm",
        "id_valid",
        "id_birth",
        "sex",
        "birth_date",
        "address",
        "village",
    )
