"""The all-or-nothing import of a roster file: read, parse every cell, check the rows against each other
and against the database, and only then write every household and person in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import pii
from jiuzhu.core.tabular import RowError, TableError, read_table
from jiuzhu.regions.models import Level, Region, UrbanRural
from jiuzhu.registry.importer.columns import COLUMNS, HEADERS, HOUSEHOLD_COLUMNS, header_key
from jiuzhu.registry.importer.families import chunks, group_families, household_values, number_households
from jiuzhu.registry.importer.parsing import Errors, parse_cells
from jiuzhu.registry.models import Area
from jiuzhu.registry.selectors import persons_by_id_hashes
from jiuzhu.registry.services import HOUSEHOLD_FRAME, PERSON_FRAME, households_bulk_create

Progress = Callable[[str, float], None]
"""progress(stage, fraction done 0..1): the stage is a short Chinese phrase for a bar or a page."""


@dataclass
class ImportResult:
    rows: int = 0
    households: int = 0
    persons: int = 0
    upgraded: int = 0  # 15-digit ID numbers written as their 18-digit form
    encoding: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def household_import(
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    source: str = "",
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Check every row of a roster file; when all are valid, write its households and persons in one
    transaction. `actor=None` is the operator at the server's command line: no region limit.
    Nothing is written when `errors` is not empty. A file of more than `max_rows` rows (default: the
    JIUZHU_IMPORT_MAX_ROWS setting) is refused as soon as the reading passes the limit."""
    if actor is not None and not actor.has_capability(Capability.IMPORT_REGISTRY):
        raise PermissionDenied(_("您的角色无权批量导入"))

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    step(_("读取文件"), 0.0)
    try:
        limit = max_rows if max_rows is not None else settings.JIUZHU_IMPORT_MAX_ROWS
        frame, encoding = read_table(data, filename, max_rows=limit)
    except TableError as exc:
        return ImportResult(errors=[RowError(1, "", filename, str(exc))])
    result = ImportResult(rows=frame.height, encoding=encoding)
    step(_("校验数据"), 0.05)
    checked = _validate(frame, actor=actor, step=step)
    if isinstance(checked, list):
        result.errors = checked
        return result
    households, persons, result.upgraded, id_hashes = checked
    step(_("写入数据库"), 0.4)

    def bulk_step(_table: str, done: int, total: int) -> None:
        step(_("写入数据库"), 0.4 + 0.6 * done / max(total, 1))

    try:
        result.households, result.persons = households_bulk_create(
            actor=actor if actor is not None else "system",
            households=households,
            persons=persons,
            source=source or filename,
            progress=bulk_step,
            id_hashes=id_hashes,
        )
    except IntegrityError:
        # Another import or a caseworker registered one of these people (or took a number) between our
        # check and our write; the transaction rolled back, so the file can simply be imported again.
        result.errors = [RowError(1, "", filename, _("导入期间登记数据发生了变化，未写入任何数据，请重新导入"))]
        return result
    step(_("完成"), 1.0)
    return result


def _rename_headers(frame: pl.DataFrame, errors: Errors) -> pl.DataFrame:
    renames: dict[str, str] = {}
    for name in frame.columns:
        key = HEADERS.get(header_key(name))
        if key is None:
            continue  # clerks' sheets carry extra columns (序号, 备注…): ignored, as the template says
        if key in renames.values():
            errors.add(1, key, name, _("列重复"))
            continue
        renames[name] = key
    frame = frame.select([pl.col(old).alias(new) for old, new in renames.items()])
    for column in COLUMNS:
        if column.key not in frame.columns:
            if column.required:
                errors.add(1, column.key, "", _("缺少必需的列"))
            frame = frame.with_columns(pl.lit("").alias(column.key))
    return frame


def _validate(
    raw: pl.DataFrame, *, actor: User | None, step: Progress
) -> list[RowError] | tuple[pl.DataFrame, pl.DataFrame, int, pii.KeyedHashes]:
    errors = Errors()
    frame = _rename_headers(raw, errors)
    if errors:
        return errors.rows()
    if frame.height == 0:
        return [RowError(2, "", "", _("文件中没有数据行"))]
    frame = parse_cells(frame.with_row_index("_row", offset=2), errors)
    _check_persons(frame, errors)
    frame = group_families(frame, errors)
    frame = household_values(frame, errors)
    frame = _check_regions(frame, errors, actor)
    step(_("核对已登记人员"), 0.15)
    frame, hash_key = _check_existing_people(frame, errors, actor, step)
    frame = number_households(frame, errors)
    if errors:
        return errors.rows()
    return _frames(frame, hash_key)


def _check_persons(frame: pl.DataFrame, errors: Errors) -> None:
    """What one cell cannot tell: columns that must agree with each other, and duplicates in the file."""
    today = timezone.localdate()
    errors.flag(
        frame,
        (pl.col("_disability_kind") != "") & pl.col("_disability_grade").is_null() & (pl.col("disability_grade") == ""),
        "disability_grade",
        _("填写了残疾类别，应同时填写残疾等级"),
    )
    errors.flag(
        frame,
        (pl.col("_disability_kind") == "") & (pl.col("disability_kind") == "") & (pl.col("disability_grade") != ""),
        "disability_kind",
        _("填写了残疾等级，应同时填写残疾类别"),
    )
    errors.flag(frame, pl.col("_date_of_death") > today, "date_of_death", _("死亡日期不能晚于今天"))
    errors.flag(
        frame, pl.col("_date_of_death") < pl.col("_id_number_birth"), "date_of_death", _("死亡日期不能早于出生日期")
    )
    id_ok = pl.col("_id_number_ok")
    errors.flag(
        frame,
        id_ok & pl.col("_birth_date").is_not_null() & (pl.col("_birth_date") != pl.col("_id_number_birth")),
        "birth_date",
        pl.format(_("与身份证号中的出生日期 {} 不符"), pl.col("_id_number_birth").dt.strftime("%Y-%m-%d")),
    )
    errors.flag(
        frame,
        id_ok & pl.col("_sex").is_not_null() & (pl.col("_sex") != pl.col("_id_number_sex")),
        "sex",
        _("与身份证号不符（第17位奇数为男，偶数为女）"),
    )
    # The 18-digit form, so that a 15-digit number and its upgrade collide too.
    first = pl.col("_row").min().over("_id_number")
    errors.flag(
        frame,
        pl.col("_id_number").is_not_null() & (pl.col("_row") != first),
        "id_number",
        pl.format(_("与第 {} 行的身份证号重复"), first),
    )


def _check_regions(frame: pl.DataFrame, errors: Errors, actor: User | None) -> pl.DataFrame:
    """The village codes, loaded once: exists, is a village, lies in the actor's scope."""
    codes = sorted({c for c in frame["_region_code"].unique().to_list() if c})
    known: dict[str, tuple[int, int, str]] = {}
    for chunk in chunks(codes):
        for pk, code, level, urban_rural in Region.objects.filter(code__in=chunk).values_list(
            "pk", "code", "level", "urban_rural"
        ):
            known[code] = (pk, level, urban_rural)
    scope = "" if actor is None else (actor.scope_prefix or "-")
    regions = pl.DataFrame(
        {
            "_region_code": list(known),
            "_region_id": [v[0] for v in known.values()],
            "_level": [v[1] for v in known.values()],
            "_default_area": [Area.URBAN if UrbanRural.is_urban(v[2]) else Area.RURAL for v in known.values()],
        },
        schema={"_region_code": pl.String, "_region_id": pl.Int64, "_level": pl.Int64, "_default_area": pl.String},
    )
    frame = frame.join(regions, on="_region_code", how="left", maintain_order="left")
    given = pl.col("region_code") != ""
    written = pl.col("region_code")
    errors.flag(
        frame,
        pl.col("_g").is_not_null() & ~pl.col("_has_region_code") & (pl.col("_row") == pl.col("_row").min().over("_g")),
        "region_code",
        _("该户没有填写村（社区）区划代码"),
    )
    errors.flag(
        frame,
        given & written.str.contains(r"^\d{12}$") & pl.col("_region_id").is_null(),
        "region_code",
        _("区划代码不存在"),
    )
    errors.flag(
        frame,
        given & (pl.col("_level") != Level.VILLAGE),
        "region_code",
        _("不是村（社区）级区划代码：家庭只能登记在村（社区）"),
    )
    errors.flag(
        frame,
        given & pl.col("_region_id").is_not_null() & ~written.str.starts_with(scope),
        "region_code",
        _("不在您的管辖范围内"),
    )
    return frame.with_columns(pl.coalesce(pl.col("_area").replace("", None), pl.col("_default_area")).alias("_area"))


_PROGRESS_HASHES = 50_000  # ID numbers checked between two progress reports


def _check_existing_people(
    frame: pl.DataFrame, errors: Errors, actor: User | None, step: Progress
) -> tuple[pl.DataFrame, int]:
    """Duplicates against the database: the ID numbers' lookup hashes, an index probe each. Returns the frame
    with `_id_number_hash`, the current key's hash of each valid number ("" for the others), which the write
    takes instead of computing it again, and the id of that key."""
    numbers = frame["_id_number"].fill_null("").to_list()
    # One column of hashes per key of the ring: during a key rotation a person may carry the old key's hash.
    columns = pii.keyed_hash_columns(numbers)
    rows = frame["_row"].to_list()
    by_hash: dict[str, int] = {}
    for column in columns:
        by_hash.update((digest, row) for digest, row in zip(column.hashes, rows, strict=True) if digest)
    hashes = list(by_hash)
    scope = None if actor is None else (actor.scope_prefix or "-")
    here = _("该身份证号已登记在户 %(n)s")
    # Saying where would tell an outsider that this person lives in another township.
    elsewhere = _("该身份证号已在其他地区登记")
    found: list[tuple[int, str]] = []
    for start in range(0, len(hashes), _PROGRESS_HASHES):
        for digest, number, region_code in persons_by_id_hashes(hashes=hashes[start : start + _PROGRESS_HASHES]):
            mine = scope is None or region_code.startswith(scope)
            found.append((by_hash[digest], here % {"n": number} if mine else elsewhere))
        step(_("核对已登记人员"), 0.15 + 0.2 * (start + _PROGRESS_HASHES) / max(len(hashes), 1))
    if found:
        written = dict(
            frame.filter(pl.col("_row").is_in([r for r, _m in found])).select("_row", "id_number").iter_rows()
        )
        for row, message in found:
            errors.add(row, "id_number", written[row], message)
    return frame.with_columns(pl.Series("_id_number_hash", columns[0].hashes, pl.String)), columns[0].key_id


def _frames(frame: pl.DataFrame, hash_key: int) -> tuple[pl.DataFrame, pl.DataFrame, int, pii.KeyedHashes]:
    """The frames households_bulk_create takes (HOUSEHOLD_FRAME, PERSON_FRAME) from the parsed columns, and
    the persons' lookup hashes (under the key `hash_key`), parallel to the persons frame."""
    households = (
        frame.select(
            pl.col("_number").alias("number"),
            pl.col("_region_id").alias("region_id"),
            *[pl.col(column.parsed).alias(column.key) for column in HOUSEHOLD_COLUMNS],
        )
        .group_by("number", maintain_order=True)
        .agg(pl.all().first())
        .with_columns(
            # Compared as written within a family; stored as the digits.
            pl.col("phone").str.replace_all(r"[\s\-]", ""),
            pl.col("bank_account").str.replace_all(r"\s", ""),
        )
    )
    # What the ID number says wins over the written birth date and sex (which must agree with it anyway).
    derived = {"household_number": "_number", "birth_date": "_id_number_birth", "sex": "_id_number_sex"}
    persons = frame.select([pl.col(derived.get(key, "_" + key)).alias(key) for key in PERSON_FRAME])
    upgraded = frame["_id_number_is15"].sum()
    return (
        households.select([pl.col(c).cast(t) for c, t in HOUSEHOLD_FRAME.items()]),
        persons.select([pl.col(c).cast(t) for c, t in PERSON_FRAME.items()]),
        int(upgraded),
        pii.KeyedHashes(hash_key, frame["_id_number_hash"].to_list()),
    )
