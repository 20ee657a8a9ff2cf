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
# One Aho–Corasick pass cleans an ID number: full-width digits and X, lower-case x, spaces and dashes.
_ID_FROM = [*_FULL, "x", " ", "\t", "-", "\u00a0"]
_ID_TO = [*_HALF, "X", "", "", "", ""]
_OLDEST = dt.date(1880, 1, 1)
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F", "1": "M", "2": "F"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d")
# The committee (委员会) of a village or a neighbourhood is the village or the neighbourhood.
_ADDRESS_VARIANTS = (
    (r"村?村(?:民委员会|委会|委)", "村"),  # 管头村村委会, 管头村委会, 管头村民委员会 → 管头村
    (r"(?:社区)?(?:居民委员会|居委会)", "社区"),
)
_VILLAGE = r"([^省市县区镇乡街道路号\d]{1,6}?(?:村|社区))"


def clean_id_numbers(expr: pl.Expr) -> pl.Expr:
    """Full-width digits and X to ASCII, x to X, spaces and dashes removed (no 15 → 18 upgrade)."""
    return expr.cast(pl.String).str.replace_many(_ID_FROM, _ID_TO)


def upgrade_15_expr(number15: pl.Expr) -> pl.Expr:
    """The 18-digit form of 15-digit numbers (born 19xx), check character computed; null if not digits."""
    first17 = pl.concat_str(number15.str.slice(0, 6), pl.lit("19"), number15.str.slice(6, 9))
    return pl.concat_str(first17, check_character_expr(first17.cast(pl.Int64, strict=False)))


def valid_id_expr(norm: pl.Expr, *, today: dt.date | None = None) -> pl.Expr:
    """True where a normalised 18-character number is a valid resident ID (check character by
    jiuzhu.core.idcard, birth date between 1880 and today). For a few rows: `norm` is read several times."""
    today = today or dt.date.today()
    birth = norm.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    check = check_character_expr(norm.str.slice(0, 17).cast(pl.Int64, strict=False))
    return (
        (norm.str.len_bytes() == 18)
        & (norm.str.slice(17, 1) == check)
        & norm.str.contains(r"^\d{17}[\dX]$")
        & birth.is_between(pl.lit(_OLDEST), pl.lit(today))
    ).fill_null(False)


def with_normalised_ids(
    frame: pl.LazyFrame, source: str = "id_number", *, today: dt.date | None = None
) -> pl.LazyFrame:
    """The frame with `id_norm` (the number as 18 ASCII characters: spaces and full-width characters removed
    or converted, x → X, 15-digit numbers upgraded to 18 with their GB 11643 check character; null if
    empty), `id_valid` (17 digits, a check character that agrees, a birth date between 1880 and today),
    `id_birth` (the date written in it) and `id_upgraded` (written with 15 digits). Computed in stages, each
    a column, so that no sub-expression is evaluated twice."""
    today = today or dt.date.today()
    clean, first17, check, norm = pl.col("_id_clean"), pl.col("_id_first17"), pl.col("_id_check"), pl.col("id_norm")
    birth = pl.col("id_birth")
    return (
        frame.with_columns(clean_id_numbers(pl.col(source)).alias("_id_clean"))
        .with_columns((clean.str.len_bytes() == 15).alias("_id_15"))
        .with_columns(
            pl.when(pl.col("_id_15"))
            .then(pl.concat_str(clean.str.slice(0, 6), pl.lit("19"), clean.str.slice(6, 9)))
            .otherwise(clean.str.slice(0, 17))
            .alias("_id_first17")
        )
        .with_columns(check_character_expr(first17.cast(pl.Int64, strict=False)).alias("_id_check"))
        .with_columns(
            pl.when(pl.col("_id_15") & check.is_not_null())
            .then(pl.concat_str(first17, check))
            .when(clean.str.len_bytes() > 0)
            .then(clean)
            .alias("id_norm")
        )
        .with_columns(norm.str.slice(6, 8).str.to_date("%Y%m%d", strict=False).alias("id_birth"))
        .with_columns(
            (
                (norm.str.len_bytes() == 18)
                & (norm.str.slice(17, 1) == check)
                & norm.str.contains(r"^\d{17}[\dX]$")
                & birth.is_between(pl.lit(_OLDEST), pl.lit(today))
            )
            .fill_null(False)
            .alias("id_valid")
        )
        .with_columns((pl.col("_id_15") & check.is_not_null()).alias("id_upgraded"))
        .drop("_id_clean", "_id_15", "_id_first17", "_id_check")
    )


def normalise_id_numbers(expr: pl.Expr) -> pl.Expr:
    """ID numbers as 18 ASCII characters (see `with_normalised_ids`), as an expression. Whether the result
    is valid is `with_normalised_ids`'s to say; an empty cell is null."""

    def run(series: pl.Series) -> pl.Series:
        frame = series.cast(pl.String).to_frame("n").lazy()
        return with_normalised_ids(frame, "n").collect()["id_norm"]

    return expr.map_batches(run, return_dtype=pl.String, is_elementwise=True)


def prepare_ids(frame: pl.LazyFrame, *, today: dt.date | None = None) -> pl.LazyFrame:
    """Only the ID columns: `id`, `id_number` (normalised, null unless valid), `id_norm` (normalised as
    written), `id_valid`. What the exact stage needs, cheap enough for ten million rows."""
    return (
        with_normalised_ids(frame.select(pl.col("id").cast(pl.String), "id_number"), today=today)
        .with_columns(pl.when(pl.col("id_valid")).then(pl.col("id_norm")).alias("id_number"))
        .select("id", "id_number", "id_norm", "id_valid")
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
    unless valid), id_norm, id_valid, id_upgraded (written with 15 digits), id_birth, sex ("M"/"F": the
    column, else the ID number), birth_date (the column, else the ID number), address (committee variants
    read as the village), village."""
    missing = [c for c in PERSON_COLUMNS if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    norm = pl.col("id_norm")
    base = frame.lazy().select(
        pl.col("id").cast(pl.String),
        _clean_text(pl.col("name")).alias("name"),
        pl.col("id_number").cast(pl.String),
        pl.col("gender").cast(pl.String).str.strip_chars().replace_strict(_SEX, default=None).alias("gender"),
        _birth_date(pl.col("birth_date")).alias("birth_col"),
        _address(pl.col("address")).alias("address"),
    )
    out = (
        with_normalised_ids(base, today=today)
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
        "id_upgraded",
        "id_birth",
        "sex",
        "birth_date",
        "address",
        "village",
    )
