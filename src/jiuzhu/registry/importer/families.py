"""Rows into families: the family key of every row, one head per family, the household columns agreeing
within a family, and the 户编号 of each new household."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import polars as pl
from django.utils.translation import gettext as _

from jiuzhu.registry.importer.columns import BY_KEY, HOUSEHOLD_COLUMNS
from jiuzhu.registry.importer.parsing import Errors, parse_cells
from jiuzhu.registry.models import Household, Relation
from jiuzhu.registry.selectors import households_last_serial

# SQLite accepts up to 32 766 parameters since 3.32, older builds 999: stay under the smallest.
IN_CHUNK = 900


def chunks(values: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def group_families(frame: pl.DataFrame, errors: Errors) -> pl.DataFrame:
    """Give every row a family key "_g" (see the package docstring) and check one head per family."""
    # 户主身份证号 is read as an ID number here: its kind says it is a key, which the parsers take as written.
    head_id = dataclasses.replace(BY_KEY["head_id"], kind="id")
    frame = parse_cells(frame, errors, (head_id,)).with_columns(
        (pl.col("_relation") == Relation.SELF).fill_null(False).alias("_is_head"),
    )
    errors.flag(
        frame,
        pl.col("_is_head")
        & pl.col("_head_id_ok")
        & pl.col("_id_number").is_not_null()
        & (pl.col("_head_id") != pl.col("_id_number")),
        "head_id",
        _("户主所在行的户主身份证号应为本人的身份证号"),
    )
    # A head's own key: its 户编号, else its own ID number (else its row, when even that is unusable).
    head_key = pl.coalesce(
        pl.when(pl.col("household_number") != "").then(pl.concat_str(pl.lit("N:"), pl.col("household_number"))),
        pl.concat_str(pl.lit("H:"), pl.col("_id_number")),
        pl.concat_str(pl.lit("R:"), pl.col("_row").cast(pl.String)),
    )
    frame = frame.with_columns(
        pl.when(pl.col("_is_head")).then(head_key).alias("_own_key"),
        pl.col("_is_head").cast(pl.Int64).cum_sum().alias("_block"),
    )
    heads_by_id = (
        frame.filter(pl.col("_is_head") & pl.col("_id_number").is_not_null())
        .select(pl.col("_id_number").alias("_head_id"), pl.col("_own_key").alias("_ref_key"))
        .unique("_head_id", keep="first")
    )
    frame = frame.join(heads_by_id, on="_head_id", how="left", maintain_order="left")
    block_key = pl.col("_own_key").filter(pl.col("_is_head")).first().over("_block")
    frame = frame.with_columns(
        pl.coalesce(
            pl.when(pl.col("household_number") != "").then(pl.concat_str(pl.lit("N:"), pl.col("household_number"))),
            pl.col("_own_key"),
            pl.col("_ref_key"),
            pl.when(pl.col("_head_id").is_not_null()).then(pl.concat_str(pl.lit("H:"), pl.col("_head_id"))),
            pl.when(pl.col("_block") > 0).then(block_key),
        ).alias("_g")
    )
    errors.flag(
        frame,
        pl.col("_g").is_null(),
        "relation",
        _("无法确定所属家庭：请填写户编号或户主身份证号，或把成员行放在户主行之后"),
    )
    heads = pl.col("_is_head").sum().over("_g")
    first_row = pl.col("_row").min().over("_g")
    first_head = pl.col("_row").filter(pl.col("_is_head")).min().over("_g")
    grouped = pl.col("_g").is_not_null()
    headless = grouped & (heads == 0) & (pl.col("_row") == first_row)
    errors.flag(
        frame,
        headless & pl.col("_g").str.starts_with("H:"),
        "head_id",
        _("文件中没有该户主身份证号对应的户主行"),
    )
    errors.flag(
        frame,
        headless & ~pl.col("_g").str.starts_with("H:"),
        "relation",
        _("该户没有户主（每户应有且只有一名户主）"),
    )
    errors.flag(
        frame,
        grouped & pl.col("_is_head") & (heads > 1) & (pl.col("_row") != first_head),
        "relation",
        pl.format(_("同一户有多名户主（第 {} 行已是户主）"), first_head),
    )
    return frame


def household_values(frame: pl.DataFrame, errors: Errors) -> pl.DataFrame:
    """One value per family for each household column: a blank cell takes the family's value, a different
    one is an error. Also `_has_<key>`: whether any row of the family filled the column.

    The family's value of every column comes from one grouping joined back (rows without a family share
    the null key, as a window over "_g" groups them): a window per column and check hashed the family
    keys of a million rows some forty times."""
    aggs = []
    for column in HOUSEHOLD_COLUMNS:
        given = pl.col(column.key) != ""
        aggs += [
            pl.col(column.parsed).filter(given).first().alias(f"_canon_{column.key}"),
            pl.col("_row").filter(given).first().alias(f"_canon_row_{column.key}"),
            pl.col(column.key).filter(given).first().alias(f"_canon_raw_{column.key}"),
            given.any().alias("_has_" + column.key),
        ]
    family = frame.group_by("_g").agg(aggs)
    frame = frame.join(family, on="_g", how="left", nulls_equal=True, maintain_order="left")
    for column in HOUSEHOLD_COLUMNS:
        canon = pl.col(f"_canon_{column.key}")
        errors.flag(
            frame,
            (pl.col(column.key) != "") & (pl.col(column.parsed) != canon),
            column.key,
            pl.format(
                _("同一户各行应一致：第 {} 行为“{}”"),
                pl.col(f"_canon_row_{column.key}"),
                pl.col(f"_canon_raw_{column.key}"),
            ),
        )
    return frame.with_columns(
        pl.coalesce(pl.col(f"_canon_{column.key}"), pl.col(column.parsed)).alias(column.parsed)
        for column in HOUSEHOLD_COLUMNS
    ).drop(
        name
        for column in HOUSEHOLD_COLUMNS
        for name in (f"_canon_{column.key}", f"_canon_row_{column.key}", f"_canon_raw_{column.key}")
    )


def number_households(frame: pl.DataFrame, errors: Errors) -> pl.DataFrame:
    """Keep a valid 户编号 from the file; number the others after the highest serial in each village."""
    groups = (
        frame.filter(pl.col("_g").is_not_null())
        .group_by("_g", maintain_order=True)
        .agg(
            pl.col("_row").min().alias("_first"),
            pl.col("household_number").filter(pl.col("household_number") != "").first().alias("_given"),
            pl.col("_region_code").first(),
        )
    )
    given = groups.filter(pl.col("_given").is_not_null())
    bad = given.filter(
        ~pl.col("_given").str.contains(r"^\d{17}$") | ~pl.col("_given").str.starts_with(pl.col("_region_code"))
    )
    for row, value in bad.select("_first", "_given").iter_rows():
        errors.add(row, "household_number", value, _("户编号应为村（社区）区划代码加5位序号，共17位；也可留空自动编号"))
    numbers = given["_given"].to_list()
    taken: set[str] = set()
    for chunk in chunks(numbers):
        taken |= set(Household.objects.filter(number__in=chunk).values_list("number", flat=True))
    for row, value in given.filter(pl.col("_given").is_in(list(taken))).select("_first", "_given").iter_rows():
        errors.add(row, "household_number", value, _("户编号已存在：导入只登记新家庭"))

    codes = sorted(c for c in groups["_region_code"].unique().to_list() if c)
    highest = households_last_serial(villages=codes)
    for value in numbers:
        if value.isdigit() and len(value) == 17:
            highest[value[:12]] = max(highest.get(value[:12], 0), int(value[12:]))
    base = pl.DataFrame(
        {"_region_code": list(highest), "_base": list(highest.values())},
        schema={"_region_code": pl.String, "_base": pl.Int64},
    )
    groups = (
        groups.join(base, on="_region_code", how="left", maintain_order="left")
        .with_columns(
            (
                pl.col("_base").fill_null(0)
                + pl.col("_first").rank("ordinal").over(pl.col("_region_code"), pl.col("_given").is_null())
            ).alias("_serial")
        )
        .with_columns(
            pl.coalesce(
                pl.col("_given"),
                pl.concat_str(pl.col("_region_code"), pl.col("_serial").cast(pl.String).str.zfill(5)),
            ).alias("_number")
        )
    )
    overflow = groups.filter(pl.col("_given").is_null() & (pl.col("_serial") > 99_999))
    for row, code in overflow.select("_first", "_region_code").iter_rows():
        errors.add(row, "household_number", "", _("村（社区）%(c)s 的户编号已用完") % {"c": code})
    return frame.join(groups.select("_g", "_number"), on="_g", how="left", maintain_order="left")
