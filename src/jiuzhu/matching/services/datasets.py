"""Importing an external list: read (xlsx/CSV, UTF-8/GBK), map its columns, type every cell by the kind's
declared fields, report bad rows one by one, and store the good ones as Parquet under the data dir.

A file that cannot be read, lacks a required column, has no rows or more than the row limit is refused
with a message and leaves nothing behind; so is a file already imported (same sha256)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core.audit import audit_record
from jiuzhu.core.idcard import parse_id_numbers
from jiuzhu.core.models import AuditAction
from jiuzhu.core.tabular import RowError, TableError, read_table, write_error_report
from jiuzhu.matching.kinds import DTYPES, FieldSpec, FieldType, Kind, fields_of, guess_mapping, parquet_schema
from jiuzhu.matching.models import ColumnMapping, DataSet

DEFAULT_MAX_ROWS = 5_000_000
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
_TRUE = ("是", "y", "yes", "true", "1", "√")
_FALSE = ("否", "n", "no", "false", "0", "")


def max_rows() -> int:
    """The most rows one file may have (setting MATCHING_MAX_ROWS): a bigger list is split by the sender."""
    return int(getattr(settings, "MATCHING_MAX_ROWS", DEFAULT_MAX_ROWS))


def data_root() -> Path:
    return Path(settings.DATA_DIR) / "matching"


def saved_mapping(*, source: str, kind: str) -> dict[str, str]:
    row = ColumnMapping.objects.filter(source=source.strip(), kind=kind).first()
    return dict(row.mapping) if row else {}


def read_upload(data: bytes, filename: str) -> tuple[pl.DataFrame, str]:
    """The file as a frame of strings, or a ValidationError saying why it cannot be read."""
    try:
        frame, encoding = read_table(data, filename)
    except TableError as exc:
        raise ValidationError(str(exc)) from None
    if frame.height == 0:
        raise ValidationError(_("文件中没有数据行"))
    if frame.height > max_rows():
        raise ValidationError(
            _("文件有 %(n)d 行，超过单个文件 %(m)d 行的上限，请分批导入") % {"n": frame.height, "m": max_rows()}
        )
    return frame, encoding


def proposed_mapping(*, kind: str, source: str, headers: list[str]) -> dict[str, str]:
    """The saved mapping of the source where its headers are still in the file, else the guess from synonyms."""
    guess = guess_mapping(kind, headers)
    saved = {f: h for f, h in saved_mapping(source=source, kind=kind).items() if h in headers}
    used = set(saved.values())
    return saved | {f: h for f, h in guess.items() if f not in saved and h not in used}


def check_mapping(kind: str, mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The mapping without empty entries; refused when a required field is unmapped, a header is not in the
    file, or one header serves two fields."""
    fields = {f.name: f for f in fields_of(kind)}
    clean = {f: h for f, h in mapping.items() if h}
    problems = []
    unknown = sorted(set(clean) - set(fields))
    if unknown:
        problems.append(_("未知字段：%(f)s") % {"f": "、".join(unknown)})
    missing = [_(f.label) for f in fields.values() if f.required and f.name not in clean]
    if missing:
        problems.append(_("缺少必填列：%(f)s（请在列对应关系中指定）") % {"f": "、".join(missing)})
    absent = sorted({h for h in clean.values() if h not in headers})
    if absent:
        problems.append(_("文件中没有这些列：%(h)s") % {"h": "、".join(absent)})
    if len(set(clean.values())) < len(clean):
        problems.append(_("同一列不能对应两个字段"))
    if problems:
        raise ValidationError(problems)
    return clean


# ───────────────────────────── typing the cells ─────────────────────────────


def _typed(field: FieldSpec, raw: pl.Expr) -> pl.Expr:
    """The cell as the field's type; null where empty or unreadable (the caller tells the two apart)."""
    empty = raw == ""
    if field.type is FieldType.DATE:
        cleaned = raw.str.slice(0, 19)
        parsed = pl.coalesce(*(cleaned.str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS))
        return pl.when(empty).then(None).otherwise(parsed)
    if field.type is FieldType.INTEGER:
        return pl.when(empty).then(None).otherwise(raw.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
    if field.type is FieldType.MONEY:
        ok = raw.str.contains(r"^-?\d{1,10}(\.\d{1,2})?$")
        whole = raw.str.extract(r"^-?(\d+)", 1).cast(pl.Int64, strict=False)
        cents = raw.str.extract(r"\.(\d{1,2})$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False).fill_null(0)
        magnitude = whole * 100 + cents
        # The sign is the text's: "-0.37" is minus 37 fen although its whole part reads as 0.
        fen = pl.when(raw.str.starts_with("-")).then(-magnitude).otherwise(magnitude)
        return pl.when(ok).then(fen)
    if field.type is FieldType.GENDER:
        low = raw.str.to_lowercase()
        return (
            pl.when(low.is_in(["男", "m", "1", "male"]))
            .then(pl.lit("M"))
            .when(low.is_in(["女", "f", "2", "female"]))
            .then(pl.lit("F"))
        )
    if field.type is FieldType.FLAG:
        low = raw.str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(pl.lit(True)).when(low.is_in(_FALSE)).then(pl.lit(False))
    return pl.when(empty).then(None).otherwise(raw)


def _problem(field: FieldSpec) -> str:
    return {
        FieldType.DATE: _("日期无法识别，应为 YYYY-MM-DD"),
        FieldType.INTEGER: _("应为整数"),
        FieldType.MONEY: _("金额格式有误，应为数字，最多两位小数"),
        FieldType.GENDER: _("性别应为“男”或“女”"),
        FieldType.FLAG: _("应为“是”或“否”"),
    }.get(field.type, "")


def parse_rows(kind: str, frame: pl.DataFrame, mapping: dict[str, str]) -> tuple[pl.DataFrame, list[RowError]]:
    """The good rows typed by the kind's schema, and every bad cell of the others (row numbers as the user sees
    them: the header is row 1). Bulk: one expression per field over the whole column."""
    fields = fields_of(kind)
    raw = frame.select(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("row"),
        *((pl.col(mapping[f.name]) if f.name in mapping else pl.lit("")).alias(f"raw:{f.name}") for f in fields),
    )
    typed = raw.with_columns(_typed(f, pl.col(f"raw:{f.name}")).cast(DTYPES[f.type]).alias(f.name) for f in fields)
    errors: list[RowError] = []
    bad = pl.lit(False)
    for f in fields:
        value, cell = pl.col(f.name), pl.col(f"raw:{f.name}")
        required_missing = (cell == "") if f.required else pl.lit(False)
        unreadable = (
            value.is_null() & (cell != "") if f.type not in (FieldType.TEXT, FieldType.ID_NUMBER) else pl.lit(False)
        )
        flagged = typed.filter(required_missing | unreadable).select(
            "row", cell.alias("v"), required_missing.alias("m")
        )
        header = mapping.get(f.name, _(f.label))
        errors.extend(
            RowError(row, header, v, _("必填项为空") if m else _problem(f)) for row, v, m in flagged.iter_rows()
        )
        bad = bad | required_missing | unreadable
    if "id_number" in {f.name for f in fields}:
        typed = typed.with_columns(parse_id_numbers(typed["raw:id_number"].fill_null(""))["number"].alias("id_norm"))
    else:
        typed = typed.with_columns(pl.lit(None, dtype=pl.String).alias("id_norm"))
    good = typed.filter(~bad).select(list(parquet_schema(kind)))
    errors.sort(key=lambda e: e.row)
    return good, errors


# ───────────────────────────── the service ─────────────────────────────


def _require(actor: User) -> None:
    if not actor.has_capability(Capability.RUN_MATCHING):
        raise PermissionDenied(_("您的角色无权导入外部数据"))


@transaction.atomic
def dataset_import(
    *,
    actor: User,
    kind: str,
    source: str,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    received_on: dt.date | None = None,
) -> DataSet:
    """Stores one external list. Without `mapping` the source's saved mapping (or the guess) is used; the
    mapping used is saved for the source. Raises ValidationError, with nothing stored, for a refused file."""
    _require(actor)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("未知的数据类别：%(k)s") % {"k": kind}})
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("请填写来源单位")})
    digest = hashlib.sha256(data).hexdigest()
    earlier = DataSet.objects.filter(file_hash=digest).first()
    if earlier is not None:
        raise ValidationError(
            _("该文件已于 %(d)s 导入（%(k)s，%(s)s），未重复导入")
            % {"d": f"{earlier.created_at:%Y-%m-%d}", "k": earlier.get_kind_display(), "s": earlier.source}
        )
    frame, encoding = read_upload(data, filename)
    headers = frame.columns
    chosen = check_mapping(
        kind, mapping if mapping is not None else proposed_mapping(kind=kind, source=source, headers=headers), headers
    )
    good, errors = parse_rows(kind, frame, chosen)
    if good.height == 0:
        raise ValidationError(
            _("没有一行数据可用：%(n)d 行都有错误，例如第 %(r)d 行：%(m)s")
            % {"n": frame.height, "r": errors[0].row, "m": errors[0].message}
        )
    rel = Path(kind) / f"{digest[:20]}.parquet"
    path = data_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    good.write_parquet(path)
    report = ""
    if errors:
        report_rel = Path("reports") / f"{digest[:20]}.xlsx"
        write_error_report(data_root() / report_rel, errors)
        report = str(report_rel)
    dataset = DataSet.objects.create(
        kind=kind,
        source=source,
        received_on=received_on or timezone.localdate(),
        filename=Path(filename).name[:255],
        file_hash=digest,
        row_count=good.height,
        bad_rows=len({e.row for e in errors}),
        encoding=encoding,
        mapping=chosen,
        parquet_path=str(rel),
        report_path=report,
        uploaded_by=actor,
    )
    ColumnMapping.objects.update_or_create(source=source, kind=kind, defaults={"mapping": chosen})
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="dataset",
        object_id=dataset.pk,
        region_code=actor.scope_prefix.ljust(12, "0") if actor.scope_prefix else "",
        summary=_("导入外部数据：%(k)s（%(s)s），%(n)d 行，错误 %(e)d 行")
        % {"k": dataset.get_kind_display(), "s": source, "n": dataset.row_count, "e": dataset.bad_rows},
        after={"file": dataset.filename, "hash": digest, "rows": dataset.row_count, "bad_rows": dataset.bad_rows},
    )
    return dataset


def dataset_frame(dataset: DataSet) -> pl.DataFrame:
    """The stored rows of a data set."""
    return pl.read_parquet(data_root() / dataset.parquet_path)


def latest_frames(kinds: list[str] | None = None) -> dict[str, tuple[DataSet, pl.DataFrame]]:
    """The most recently received data set of each kind, with its rows: what the rules compare against."""
    out: dict[str, tuple[DataSet, pl.DataFrame]] = {}
    for kind in kinds or Kind.values:
        ds = DataSet.objects.filter(kind=kind).order_by("-received_on", "-id").first()
        if ds is not None and (data_root() / ds.parquet_path).exists():
            out[kind] = (ds, dataset_frame(ds))
    return out


def mapping_fields(kind: str) -> list[dict[str, Any]]:
    """The kind's fields as the mapping form lists them."""
    return [{"name": f.name, "label": _(f.label), "required": f.required} for f in fields_of(kind)]
