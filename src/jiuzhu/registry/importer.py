"""Bulk import and export of the household roster (家庭成员花名册).

The file is a village's roster as clerks keep it: one row per PERSON, the household columns repeated on
each row (or filled on the head's row only). Every row is checked before anything is written, with
column expressions over the whole file rather than a loop of ORM calls, so 100 000 persons validate in a
few seconds; then the frames go to `households_bulk_create`, which writes all or nothing.

How rows are grouped into families, in this order:
1. 户编号, when filled: rows sharing it are one family (it must be a jiuzhu number, 村代码 + 5 digits).
2. 户主身份证号, when filled: rows naming the same head are one family with that head's row.
3. Otherwise position: a member row belongs to the nearest 户主 row above it (a roster lists the head,
   then the members), and joins whatever family that head's row was given by 1 or 2.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.idcard import IdNumberError, parse_id_number
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import prefix_q, scope_q
from jiuzhu.core.tabular import RowError, TableError, read_table, write_csv, write_xlsx
from jiuzhu.regions.models import Level, Region, UrbanRural
from jiuzhu.registry.models import (
    Area,
    DisabilityKind,
    Employment,
    Household,
    Labor,
    OrphanKind,
    Person,
    Relation,
    Supporter,
)
from jiuzhu.registry.services import HOUSEHOLD_FRAME, PERSON_FRAME, households_bulk_create

Progress = Callable[[str, float], None]
"""progress(stage, fraction done 0..1): the stage is a short Chinese phrase for a bar or a page."""

Kind = Literal["key", "text", "id", "region", "choice", "bool", "money", "int", "grade", "date", "phone", "account"]

# SQLite accepts up to 32 766 parameters since 3.32, older builds 999: stay under the smallest.
_IN_CHUNK = 900
_MONEY_RE = r"^\d{1,10}(\.\d{1,2})?$"
_OLDEST = dt.date(1880, 1, 1)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Column:
    key: str  # the frame column and, for most, the model field
    header: str  # the Chinese header in the file: a data format, so never translated
    kind: Kind
    level: Literal["household", "person"]
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    default: str = ""
    aliases: tuple[str, ...] = ()
    help: StrOrPromise = ""
    example: str = ""


def _money(key: str, header: str, help_text: StrOrPromise, example: str = "0") -> Column:
    return Column(key, header, "money", "person", help=help_text, example=example)


COLUMNS: tuple[Column, ...] = (
    Column("household_number", "户编号", "key", "household", max_length=17, aliases=("家庭编号",),
           help=gettext_lazy("可留空，自动编号；填写时应为村（社区）区划代码加5位序号。同一户各行相同")),
    Column("head_id", "户主身份证号", "key", "household", aliases=("户主身份证号码",),
           help=gettext_lazy("可留空；填写时同一户各行填户主的身份证号。不填户编号和户主身份证号时，"
                             "成员行归入其上方最近的户主行所在的户")),
    Column("region_code", "村（社区）区划代码", "region", "household", required=True,
           aliases=("村（社区）代码", "区划代码", "村居区划代码", "村（居）区划代码"),
           help=gettext_lazy("12位统计用区划代码，须为您管辖范围内的村（社区）"), example="330727100201"),
    Column("area", "城乡类别", "choice", "household", choices=Area, aliases=("城乡",),
           help=gettext_lazy("留空时按村（社区）的城乡分类确定"), example="农村"),
    Column("address", "住址", "text", "household", max_length=200, aliases=("家庭住址", "地址"),
           example="花溪村3组12号"),
    Column("phone", "联系电话", "phone", "household", aliases=("电话", "手机号", "手机号码"),
           help=gettext_lazy("7至12位数字"), example="13900001111"),
    Column("bank_name", "开户银行", "text", "household", max_length=60, example="农商银行"),
    Column("bank_account", "银行账号", "account", "household", aliases=("银行卡号", "账号"),
           help=gettext_lazy("12至30位数字"), example="6230910000000000001"),
    Column("deposits", "存款", "money", "household", aliases=("存款及有价证券",),
           help=gettext_lazy("全户存款及有价证券，元，最多两位小数"), example="1200.50"),
    Column("vehicles", "机动车辆数", "int", "household", default="0", aliases=("车辆数",), example="0"),
    Column("disability_vehicle", "残疾人代步车", "bool", "household",
           aliases=("车辆为残疾人功能性补偿代步机动车",), help=gettext_lazy("是/否"), example="否"),
    Column("homes", "房产套数", "int", "household", default="1", example="1"),
    Column("business", "有工商登记", "bool", "household", help=gettext_lazy("是/否"), example="否"),
    Column("name", "姓名", "text", "person", required=True, max_length=50, example="陈国强"),
    Column("id_number", "身份证号", "id", "person", required=True, aliases=("身份证号码", "公民身份号码"),
           help=gettext_lazy("18位，或15位旧号码（自动升级为18位）。请将单元格设为文本格式"),
           example="330727195001010014"),
    Column("relation", "与户主关系", "choice", "person", required=True, choices=Relation,
           help=gettext_lazy("每户有且只有一名户主"), example="户主"),
    Column("sex", "性别", "text", "person", help=gettext_lazy("可留空；填写时须与身份证号一致"), example="男"),
    Column("birth_date", "出生日期", "date", "person", help=gettext_lazy("可留空；填写时须与身份证号一致")),
    Column("disability_kind", "残疾类别", "choice", "person", choices=DisabilityKind, aliases=("残疾类型",)),
    Column("disability_grade", "残疾等级", "grade", "person", help=gettext_lazy("1至4级，与残疾类别同时填写")),
    Column("disability_cert", "残疾证号", "text", "person", max_length=30),
    Column("serious_illness", "患重特大疾病", "bool", "person", help=gettext_lazy("是/否"), example="否"),
    Column("illness_name", "疾病名称", "text", "person", max_length=60),
    Column("labor", "劳动能力", "choice", "person", choices=Labor, default=Labor.FULL, example="有劳动能力"),
    Column("adl_impossible", "不能完成的日常活动项数", "int", "person", default="0",
           aliases=("六项日常活动中不能完成的项数",),
           help=gettext_lazy("0至6：吃饭、穿衣、上下床、如厕、室内行走、洗澡"), example="0"),
    Column("student", "在校学生", "bool", "person", help=gettext_lazy("是/否"), example="否"),
    Column("employment", "就业状况", "choice", "person", choices=Employment, default=Employment.NONE,
           example="务农"),
    Column("supporter", "赡养抚养扶养人", "choice", "person", choices=Supporter, default=Supporter.CAPABLE),
    Column("orphan", "孤儿情况", "choice", "person", choices=OrphanKind, default=OrphanKind.NONE),
    Column("institution", "机构集中供养", "bool", "person", aliases=("机构集中供养/养育",),
           help=gettext_lazy("是/否")),
    Column("date_of_death", "死亡日期", "date", "person", help=gettext_lazy("如 2025-03-01；健在留空")),
    _money("income_wage", "工资性收入", gettext_lazy("月收入，元，最多两位小数"), "1500"),
    _money("income_business", "经营净收入", gettext_lazy("月收入，元")),
    _money("income_property", "财产净收入", gettext_lazy("月收入，元")),
    _money("income_transfer", "转移净收入", gettext_lazy("月收入，元")),
    _money("income_other", "其他收入", gettext_lazy("月收入，元")),
    _money("income_exempt", "豁免收入", gettext_lazy("月收入，元，不计入家庭收入")),
    _money("rigid_medical", "刚性医疗支出", gettext_lazy("月支出，元")),
    _money("rigid_rehab", "刚性康复支出", gettext_lazy("月支出，元")),
)  # fmt: skip
BY_KEY = {c.key: c for c in COLUMNS}
HOUSEHOLD_COLUMNS = [c for c in COLUMNS if c.level == "household" and c.kind != "key"]

# Words clerks write for the same thing; the TextChoices' own codes and labels are accepted as well.
_SYNONYMS: dict[str, dict[str, str]] = {
    "relation": {
        "本人": Relation.SELF, "户主本人": Relation.SELF, "妻": Relation.SPOUSE, "妻子": Relation.SPOUSE,
        "夫": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "儿子": Relation.SON, "长子": Relation.SON,
        "次子": Relation.SON, "三子": Relation.SON, "女儿": Relation.DAUGHTER, "长女": Relation.DAUGHTER,
        "次女": Relation.DAUGHTER, "三女": Relation.DAUGHTER, "父": Relation.FATHER, "母": Relation.MOTHER,
        "孙": Relation.GRANDSON, "外孙": Relation.GRANDSON, "外孙女": Relation.GRANDDAUGHTER,
        "媳": Relation.DAUGHTER_IN_LAW, "儿媳妇": Relation.DAUGHTER_IN_LAW, "祖父": Relation.GRANDPARENT,
        "祖母": Relation.GRANDPARENT, "外祖父": Relation.GRANDPARENT, "外祖母": Relation.GRANDPARENT,
        "兄": Relation.SIBLING, "弟": Relation.SIBLING, "姐": Relation.SIBLING, "妹": Relation.SIBLING,
        "哥哥": Relation.SIBLING, "弟弟": Relation.SIBLING, "姐姐": Relation.SIBLING, "妹妹": Relation.SIBLING,
    },
    "area": {"城市": Area.URBAN, "城": Area.URBAN, "乡村": Area.RURAL, "农": Area.RURAL},
    "disability_kind": {
        "视力": DisabilityKind.VISUAL, "听力": DisabilityKind.HEARING, "言语": DisabilityKind.SPEECH,
        "肢体": DisabilityKind.PHYSICAL, "智力": DisabilityKind.INTELLECTUAL, "精神": DisabilityKind.MENTAL,
        "多重": DisabilityKind.MULTIPLE,
    },
    "labor": {"有": Labor.FULL, "部分丧失": Labor.PARTIAL, "无": Labor.NONE, "丧失劳动能力": Labor.NONE},
}  # fmt: skip
_TRUE = ("是", "有", "Y", "y", "1", "√", "true", "True", "TRUE")
_FALSE = ("否", "无", "N", "n", "0", "×", "false", "False", "FALSE")
_GRADES = {
    **{str(g): g for g in range(1, 5)},
    **{f"{g}级": g for g in range(1, 5)},
    **{f"{c}级": g for g, c in zip(range(1, 5), "一二三四", strict=True)},
    **{c: g for g, c in zip(range(1, 5), "一二三四", strict=True)},
}
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}


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


def _header_key(text: str) -> str:
    """Headers as typed by hand: half-width brackets, spaces, a trailing unit."""
    text = text.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")
    for unit in ("（元）", "（元/月）", "（人）"):
        text = text.removesuffix(unit)
    return text


_HEADERS = {_header_key(h): c.key for c in COLUMNS for h in (c.header, *c.aliases)}


def choice_map(key: str) -> dict[str, str]:
    """Every spelling accepted for an enumeration column: code, Chinese label, active-language label."""
    choices = BY_KEY[key].choices
    assert choices is not None
    mapping: dict[str, str] = {}
    with translation.override(None):  # the source strings, i.e. the Chinese labels
        mapping |= {str(c.label): c.value for c in choices}
    mapping |= {str(c.label): c.value for c in choices}
    mapping |= {c.value: c.value for c in choices}
    mapping |= {k: str(v) for k, v in _SYNONYMS.get(key, {}).items()}
    return mapping


def choice_labels(key: str) -> list[str]:
    choices = BY_KEY[key].choices
    assert choices is not None
    with translation.override(None):
        return [str(c.label) for c in choices]


# --- error collection ------------------------------------------------------------------------------------

_ERR_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String}


class _Errors:
    """Row errors as frames, so that a check over 100 000 rows costs one filter, not a loop."""

    def __init__(self) -> None:
        self.parts: list[pl.DataFrame] = []
        self.singles: list[tuple[int, str, str, str]] = []  # found one by one (ID messages, database hits)

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
                pl.lit(BY_KEY[key].header if key in BY_KEY else key).alias("column"),
                (pl.col(col) if col in frame.columns else pl.lit("")).cast(pl.String).alias("value"),
                (message if isinstance(message, pl.Expr) else pl.lit(message)).cast(pl.String).alias("message"),
                "_bad",
            )
            .filter(pl.col("_bad"))
        )
        if bad.height:
            self.parts.append(bad.drop("_bad"))

    def add(self, row: int, key: str, value: str, message: str) -> None:
        self.singles.append((row, BY_KEY[key].header if key in BY_KEY else key, value, message))

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
        frame = frame.unique(["row", "column", "message"], keep="first").sort("row", "_o")
        return [RowError(r, c, v, m) for r, c, v, m in frame.select("row", "column", "value", "message").iter_rows()]


# --- parsing helpers, each an expression over a column of strings -----------------------------------------


def _with_id(frame: pl.DataFrame, source: str, out: str, today: dt.date) -> pl.DataFrame:
    """Add `out` (the 18-digit number, null unless valid), `out`_ok, `out`_birth and `out`_is15, checking
    GB 11643 for the whole column at once. Computed in stages so that no sub-expression is evaluated twice.
    A row marked invalid is re-checked by parse_id_number for its message, so both always agree."""
    tmp = [f"{out}_norm", f"{out}_17", f"{out}_check"]
    norm = pl.col(tmp[0])
    frame = frame.with_columns(
        pl.col(source).str.replace_all(" ", "", literal=True).str.replace_all("x", "X", literal=True).alias(tmp[0])
    ).with_columns(norm.str.contains(r"^\d{15}$").alias(f"{out}_is15"))
    is15 = pl.col(f"{out}_is15")
    frame = frame.with_columns(
        pl.when(is15)
        .then(pl.concat_str(norm.str.slice(0, 6), pl.lit("19"), norm.str.slice(6, 9)))
        .otherwise(norm.str.slice(0, 17))
        .alias(tmp[1])
    )
    first17 = pl.col(tmp[1])
    total = pl.sum_horizontal(
        [first17.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(_WEIGHTS)]
    )
    frame = frame.with_columns(
        (total % 11).replace_strict(dict(enumerate("10X98765432")), default=None, return_dtype=pl.String).alias(tmp[2]),
        first17.str.slice(6, 8).str.to_date("%Y%m%d", strict=False).alias(f"{out}_birth"),
    )
    check, birth = pl.col(tmp[2]), pl.col(f"{out}_birth")
    frame = frame.with_columns(
        pl.when(is15).then(pl.concat_str(first17, check)).otherwise(norm).alias(out)
    ).with_columns(
        (
            (is15 | norm.str.contains(r"^\d{17}[\dX]$"))
            & birth.is_not_null()
            & (birth <= today)
            & (birth >= _OLDEST)
            & (pl.col(out).str.slice(17, 1) == check)
        )
        .fill_null(False)
        .alias(f"{out}_ok")
    )
    return frame.with_columns(pl.when(pl.col(f"{out}_ok")).then(pl.col(out)).alias(out)).drop(tmp)


def _id_message(raw: str) -> str:
    if not raw:
        return _("身份证号不能为空")
    try:
        parse_id_number(raw)
    except IdNumberError as exc:
        return str(exc)
    return _("身份证号无效")


def _date_expr(raw: pl.Expr) -> pl.Expr:
    """2025-03-01, 2025/3/1, 2025.3.1, 20250301, 2025年3月1日 and the ISO text of an Excel date cell."""
    text = raw.str.slice(0, 10).str.replace_all(r"[/.年月]", "-").str.replace("日", "", literal=True)
    return pl.coalesce(text.str.to_date("%Y-%m-%d", strict=False), text.str.to_date("%Y%m%d", strict=False))


def _bool_expr(raw: pl.Expr) -> pl.Expr:
    return raw.replace_strict(
        {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False), "": False},
        default=None,
        return_dtype=pl.Boolean,
    )


def _chunks(values: Sequence[str], size: int = _IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- the import ------------------------------------------------------------------------------------------


def household_import(
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    source: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row of a roster file; when all are valid, write its households and persons in one
    transaction. `actor=None` is the operator at the server's command line: no region limit.
    Nothing is written when `errors` is not empty."""
    if actor is not None and not actor.has_capability(Capability.IMPORT_REGISTRY):
        raise PermissionDenied(_("您的角色无权批量导入"))

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    step(_("读取文件"), 0.0)
    try:
        frame, encoding = read_table(data, filename)
    except TableError as exc:
        return ImportResult(errors=[RowError(1, "", filename, str(exc))])
    result = ImportResult(rows=frame.height, encoding=encoding)
    step(_("校验数据"), 0.05)
    checked = _validate(frame, actor=actor, step=step)
    if isinstance(checked, list):
        result.errors = checked
        return result
    households, persons, result.upgraded = checked
    step(_("写入数据库"), 0.4)

    def bulk_step(name: str, done: int, total: int) -> None:
        step(_("写入数据库"), 0.4 + 0.6 * done / max(total, 1))

    try:
        result.households, result.persons = households_bulk_create(
            actor=actor if actor is not None else "system",
            households=households,
            persons=persons,
            source=source or filename,
            progress=bulk_step,
        )
    except IntegrityError:
        # Another import or a caseworker registered one of these people (or took a number) between our
        # check and our write; the transaction rolled back, so the file can simply be imported again.
        result.errors = [RowError(1, "", filename, _("导入期间登记数据发生了变化，未写入任何数据，请重新导入"))]
        return result
    step(_("完成"), 1.0)
    return result


def _rename_headers(frame: pl.DataFrame, errors: _Errors) -> pl.DataFrame:
    renames: dict[str, str] = {}
    for name in frame.columns:
        key = _HEADERS.get(_header_key(name))
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
    raw: pl.DataFrame, *, actor: User | None, step: Callable[[str, float], None]
) -> list[RowError] | tuple[pl.DataFrame, pl.DataFrame, int]:
    errors = _Errors()
    frame = _rename_headers(raw, errors)
    if errors:
        return errors.rows()
    if frame.height == 0:
        return [RowError(2, "", "", _("文件中没有数据行"))]
    today = timezone.localdate()
    frame = frame.with_row_index("_row", offset=2)

    # Person columns -------------------------------------------------------------------------------------
    frame = _with_id(frame, "id_number", "_id", today).with_columns(
        pl.when(pl.col("_id").str.slice(16, 1).cast(pl.Int64) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
        .alias("_sex")
    )
    bad_ids = frame.filter(~pl.col("_id_ok")).select("_row", "id_number")
    for row, value in bad_ids.iter_rows():
        errors.add(row, "id_number", value, _id_message(value))

    errors.flag(frame, pl.col("name") == "", "name", _("姓名不能为空"))
    for column in COLUMNS:
        if column.kind == "text" and column.max_length:
            errors.flag(
                frame,
                pl.col(column.key).str.len_chars() > column.max_length,
                column.key,
                _("不能超过 %(n)d 个字") % {"n": column.max_length},
            )

    # Enumerations, flags, numbers, dates: parsed into "_<key>" columns; a bad value is flagged.
    parsed: list[pl.Expr] = []
    for column in COLUMNS:
        src = pl.col(column.key)
        if column.kind == "choice":
            mapping = choice_map(column.key)
            default = column.default if column.level == "person" else ""
            parsed.append(
                pl.when(src == "")
                .then(pl.lit(default))
                .otherwise(src.replace_strict(mapping, default=None, return_dtype=pl.String))
                .alias("_" + column.key)
            )
        elif column.kind == "bool":
            parsed.append(_bool_expr(src).alias("_" + column.key))
        elif column.kind == "money":
            clean = src.str.replace_all(",", "", literal=True)
            parsed.append(
                pl.when(src == "")
                .then(pl.lit("0.00"))
                .when(clean.str.contains(_MONEY_RE))
                .then(clean.cast(pl.Decimal(12, 2), strict=False).cast(pl.String))
                .alias("_" + column.key)
            )
        elif column.kind == "int":
            parsed.append(
                pl.when(src == "")
                .then(pl.lit(int(column.default or 0)))
                .otherwise(src.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
                .alias("_" + column.key)
            )
        elif column.kind == "date":
            parsed.append(_date_expr(src).alias("_" + column.key))
        elif column.kind == "grade":
            parsed.append(src.replace_strict(_GRADES, default=None, return_dtype=pl.Int64).alias("_" + column.key))
    frame = frame.with_columns(parsed)
    for column in COLUMNS:
        given = pl.col(column.key) != ""
        out = pl.col("_" + column.key)
        if column.kind == "choice":
            labels = "、".join(choice_labels(column.key))
            errors.flag(frame, given & out.is_null(), column.key, _("应为以下之一：%(v)s") % {"v": labels})
        elif column.kind == "bool":
            errors.flag(frame, out.is_null(), column.key, _("应为“是”或“否”"))
        elif column.kind == "money":
            errors.flag(frame, out.is_null(), column.key, _("应为不小于0的金额，最多两位小数"))
        elif column.kind == "int":
            top = 6 if column.key == "adl_impossible" else 999
            errors.flag(
                frame,
                given & (out.is_null() | (out < 0) | (out > top)),
                column.key,
                _("应为 0 至 %(n)d 的整数") % {"n": top},
            )
        elif column.kind == "date":
            errors.flag(frame, given & out.is_null(), column.key, _("日期格式应为 2025-03-01"))
        elif column.kind == "grade":
            errors.flag(frame, given & out.is_null(), column.key, _("残疾等级应为 1、2、3 或 4"))

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
    errors.flag(frame, pl.col("_date_of_death") < pl.col("_id_birth"), "date_of_death", _("死亡日期不能早于出生日期"))
    errors.flag(
        frame,
        pl.col("_id_ok") & pl.col("_birth_date").is_not_null() & (pl.col("_birth_date") != pl.col("_id_birth")),
        "birth_date",
        pl.format(_("与身份证号中的出生日期 {} 不符"), pl.col("_id_birth").dt.strftime("%Y-%m-%d")),
    )
    sex = pl.col("sex").replace_strict(_SEX, default=None, return_dtype=pl.String)
    errors.flag(frame, (pl.col("sex") != "") & sex.is_null(), "sex", _("性别应为“男”或“女”"))
    errors.flag(
        frame,
        pl.col("_id_ok") & sex.is_not_null() & (sex != pl.col("_sex")),
        "sex",
        _("与身份证号不符（第17位奇数为男，偶数为女）"),
    )

    # Duplicates inside the file: the 18-digit form, so a 15-digit number and its upgrade collide too.
    first = pl.col("_row").min().over("_id")
    errors.flag(
        frame,
        pl.col("_id").is_not_null() & (pl.col("_row") != first),
        "id_number",
        pl.format(_("与第 {} 行的身份证号重复"), first),
    )

    # Families -------------------------------------------------------------------------------------------
    frame = _group(frame, errors, today)

    # Household columns: one value per family; a blank cell takes the family's value.
    for column in HOUSEHOLD_COLUMNS:
        value = "_" + column.key if "_" + column.key in frame.columns else column.key
        given = pl.col(column.key) != ""
        canon = pl.col(value).filter(given).first().over("_g")
        canon_row = pl.col("_row").filter(given).first().over("_g")
        errors.flag(
            frame,
            given & (pl.col(value) != canon),
            column.key,
            pl.format(
                _("同一户各行应一致：第 {} 行为“{}”"), canon_row, pl.col(column.key).filter(given).first().over("_g")
            ),
        )
        frame = frame.with_columns(
            pl.coalesce(canon, pl.col(value)).alias("_" + column.key),
            given.any().over("_g").alias("_has_" + column.key),
        )

    frame = _check_contacts(frame, errors)
    frame = _check_regions(frame, errors, actor)
    step(_("核对已登记人员"), 0.15)
    _check_existing_people(frame, errors, actor, step)
    frame = _number_households(frame, errors)
    if errors:
        return errors.rows()
    return _frames(frame)


def _group(frame: pl.DataFrame, errors: _Errors, today: dt.date) -> pl.DataFrame:
    """Give every row a family key "_g" (see the module docstring) and check one head per family."""
    frame = _with_id(frame, "head_id", "_head_id", today).with_columns(
        (pl.col("_relation") == Relation.SELF).fill_null(False).alias("_is_head"),
    )
    bad = frame.filter((pl.col("head_id") != "") & ~pl.col("_head_id_ok")).select("_row", "head_id")
    for row, value in bad.iter_rows():
        errors.add(row, "head_id", value, _id_message(value))
    errors.flag(
        frame,
        pl.col("_is_head")
        & pl.col("_head_id_ok")
        & pl.col("_id").is_not_null()
        & (pl.col("_head_id") != pl.col("_id")),
        "head_id",
        _("户主所在行的户主身份证号应为本人的身份证号"),
    )
    # A head's own key: its 户编号, else its own ID number (else its row, when even that is unusable).
    head_key = pl.coalesce(
        pl.when(pl.col("household_number") != "").then(pl.concat_str(pl.lit("N:"), pl.col("household_number"))),
        pl.concat_str(pl.lit("H:"), pl.col("_id")),
        pl.concat_str(pl.lit("R:"), pl.col("_row").cast(pl.String)),
    )
    frame = frame.with_columns(
        pl.when(pl.col("_is_head")).then(head_key).alias("_own_key"),
        pl.col("_is_head").cast(pl.Int64).cum_sum().alias("_block"),
    )
    heads_by_id = (
        frame.filter(pl.col("_is_head") & pl.col("_id").is_not_null())
        .select(pl.col("_id").alias("_head_id"), pl.col("_own_key").alias("_ref_key"))
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


def _check_contacts(frame: pl.DataFrame, errors: _Errors) -> pl.DataFrame:
    phone = pl.col("phone").str.replace_all(r"[\s\-]", "")
    account = pl.col("bank_account").str.replace_all(r"\s", "")
    errors.flag(frame, (phone != "") & ~phone.str.contains(r"^\d{7,12}$"), "phone", _("联系电话应为7至12位数字"))
    errors.flag(
        frame, (account != "") & ~account.str.contains(r"^\d{12,30}$"), "bank_account", _("银行账号应为12至30位数字")
    )
    return frame.with_columns(
        pl.col("_phone").str.replace_all(r"[\s\-]", ""), pl.col("_bank_account").str.replace_all(r"\s", "")
    )


def _check_regions(frame: pl.DataFrame, errors: _Errors, actor: User | None) -> pl.DataFrame:
    """The village codes, loaded once: exists, is a village, lies in the actor's scope."""
    codes = sorted({c for c in frame["_region_code"].unique().to_list() if c})
    known: dict[str, tuple[int, int, str]] = {}
    for chunk in _chunks(codes):
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
    errors.flag(frame, given & ~written.str.contains(r"^\d{12}$"), "region_code", _("区划代码应为12位数字"))
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


def _check_existing_people(frame: pl.DataFrame, errors: _Errors, actor: User | None, step: Progress) -> None:
    """Duplicates against the database: one indexed query per chunk of lookup hashes."""
    ids = frame.filter(pl.col("_id").is_not_null()).select("_row", "_id")
    hashes = [pii.lookup_hash(n) for n in ids["_id"].to_list()]
    rows = ids["_row"].to_list()
    by_hash = dict(zip(hashes, rows, strict=True))
    values = dict(zip(rows, frame.filter(pl.col("_id").is_not_null())["id_number"].to_list(), strict=True))
    scope = None if actor is None else (actor.scope_prefix or "-")
    here = _("该身份证号已登记在户 %(n)s")
    # Saying where would tell an outsider that this person lives in another township.
    elsewhere = _("该身份证号已在其他地区登记")
    for i, chunk in enumerate(_chunks(hashes)):
        existing = Person.objects.filter(id_number_hash__in=chunk).values_list(
            "id_number_hash", "household__number", "household__region_code"
        )
        for digest, number, region_code in existing:
            row = by_hash[digest]
            mine = scope is None or region_code.startswith(scope)
            message = here % {"n": number} if mine else elsewhere
            errors.add(row, "id_number", values[row], message)
        if i % 20 == 0:
            step(_("核对已登记人员"), 0.15 + 0.2 * (i * _IN_CHUNK) / max(len(hashes), 1))


def _number_households(frame: pl.DataFrame, errors: _Errors) -> pl.DataFrame:
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
    for chunk in _chunks(numbers):
        taken |= set(Household.objects.filter(number__in=chunk).values_list("number", flat=True))
    for row, value in given.filter(pl.col("_given").is_in(list(taken))).select("_first", "_given").iter_rows():
        errors.add(row, "household_number", value, _("户编号已存在：导入只登记新家庭"))

    codes = [c for c in groups["_region_code"].unique().to_list() if c]
    highest: dict[str, int] = {}
    for chunk in _chunks(codes):
        for code, last in (
            Household.objects.filter(region_code__in=chunk)
            .values("region_code")
            .annotate(last=Max("number"))
            .values_list("region_code", "last")
        ):
            if last and last.startswith(code) and last[12:].isdigit():
                highest[code] = int(last[12:])
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


def _frames(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The frames households_bulk_create takes (HOUSEHOLD_FRAME, PERSON_FRAME)."""
    households = (
        frame.group_by("_number", maintain_order=True)
        .agg(pl.all().first())
        .select(
            pl.col("_number").alias("number"),
            pl.col("_region_id").alias("region_id"),
            pl.col("_region_code").alias("region_code"),
            pl.col("_area").alias("area"),
            pl.col("_address").alias("address"),
            pl.col("_phone").alias("phone"),
            pl.col("_bank_name").alias("bank_name"),
            pl.col("_bank_account").alias("bank_account"),
            pl.col("_deposits").alias("deposits"),
            pl.col("_vehicles").alias("vehicles"),
            pl.col("_disability_vehicle").alias("disability_vehicle"),
            pl.col("_homes").alias("homes"),
            pl.col("_business").alias("business"),
        )
    )
    # Parsed values live in "_<field>" columns; free text (certificate, illness) is taken as written.
    direct = {"illness_name": "illness_name", "disability_cert": "disability_cert", "name": "name"}
    derived = {"household_number": "_number", "id_number": "_id", "birth_date": "_id_birth", "sex": "_sex"}
    persons = frame.select(
        [pl.col(direct.get(key) or derived.get(key) or "_" + key).alias(key) for key in PERSON_FRAME]
    )
    upgraded = frame["_id_is15"].sum()
    return (
        households.select([pl.col(c).cast(t) for c, t in HOUSEHOLD_FRAME.items()]),
        persons.select([pl.col(c).cast(t) for c, t in PERSON_FRAME.items()]),
        int(upgraded),
    )


# --- template and export ---------------------------------------------------------------------------------


def import_template_xlsx() -> bytes:
    """The sheet clerks fill in: the headers, one example row, and a sheet of allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("家庭成员")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for i, column in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=i, value=column.header)
        head.font, head.fill = bold, required_fill if column.required else fill
        cell = ws.cell(row=2, column=i, value=column.example or None)
        # Text format keeps Excel from turning an 18-digit number into 3.30727E+17.
        cell.number_format = "@"
        letter = head.column_letter
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 2)
        if column.kind in ("id", "key", "region", "phone", "account"):
            ws.column_dimensions[letter].width = 22
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(_("填写说明"))
    help_ws.append([_("列名"), _("是否必填"), _("可填写的值"), _("说明")])
    for cell in help_ws[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        if column.kind == "choice":
            allowed = "、".join(choice_labels(column.key))
        elif column.kind == "bool":
            allowed = _("是、否（留空为否）")
        elif column.kind == "grade":
            allowed = "1、2、3、4"
        elif column.kind == "money":
            allowed = _("不小于0的金额，最多两位小数（留空为0）")
        elif column.kind == "date":
            allowed = "2025-03-01"
        elif column.kind == "int":
            allowed = _("整数（留空为%(d)s）") % {"d": column.default or "0"}
        else:
            allowed = ""
        help_ws.append([column.header, _("必填") if column.required else "", allowed, str(column.help)])
    help_ws.append([])
    help_ws.append(
        [_("每行一人；同一户各行的家庭信息（区划代码、住址、电话、账号、存款等）应一致，可只在户主行填写。")]
    )
    help_ws.append([_("所有行校验通过才会导入；有任何错误时不写入任何数据，并给出逐行错误报告。")])
    help_ws.append([_("文件可为 xlsx，或 UTF-8、GBK 编码的 CSV。其他列（如序号、备注）将被忽略。")])
    for letter, width in zip("ABCD", (24, 10, 60, 70), strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The columns of an export, in the template's order, so an exported sheet reads like the import sheet.
_EXPORT_HOUSEHOLD = {
    "household_number": "household__number",
    "region_code": "household__region_code",
    "area": "household__area",
    "address": "household__address",
    "phone": "household__phone_enc",
    "bank_name": "household__bank_name",
    "bank_account": "household__bank_account_enc",
    "deposits": "household__deposits",
    "vehicles": "household__vehicles",
    "disability_vehicle": "household__disability_vehicle",
    "homes": "household__homes",
    "business": "household__business",
}
_EXPORT_SKIP = {"head_id"}
EXPORT_HEADERS = [c.header for c in COLUMNS if c.key not in _EXPORT_SKIP]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    persons: int
    full: bool


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override(None):
        return {c.value: str(c.label) for c in choices}


def roster_rows(*, user: User, region: str = "", full: bool = False) -> Iterator[list[object]]:
    """Every person in the user's scope (optionally under a region prefix), one list per row, in
    EXPORT_HEADERS order. Read in chunks straight from the columns; ID numbers, phones and accounts
    masked unless `full` (the caller checks the permission and logs it)."""
    qs = Person.objects.filter(scope_q(user))
    if region:
        qs = qs.filter(prefix_q(region))
    fields = [
        *_EXPORT_HOUSEHOLD.values(),
        "household__phone_masked",
        "household__bank_account_masked",
        "id_number_enc",
        "id_masked",
        *[
            c.key
            for c in COLUMNS
            if c.level == "person" and c.key not in ("id_number", "sex") and c.key not in _EXPORT_SKIP
        ],
        "sex",
    ]
    labels = {c.key: _labels(c.choices) for c in COLUMNS if c.choices is not None}
    yes, no = "是", "否"
    sexes = {"M": "男", "F": "女"}
    for rec in qs.order_by("household__number", "id").values_list(*fields).iterator(chunk_size=5000):
        values = dict(zip(fields, rec, strict=True))
        row: list[object] = []
        for column in COLUMNS:
            key = column.key
            if key in _EXPORT_SKIP:
                continue
            if key == "phone":
                value: object = (
                    pii.decrypt(values["household__phone_enc"]) if full else values["household__phone_masked"]
                )
            elif key == "bank_account":
                value = (
                    pii.decrypt(values["household__bank_account_enc"])
                    if full
                    else values["household__bank_account_masked"]
                )
            elif key == "id_number":
                value = pii.decrypt(values["id_number_enc"]) if full else values["id_masked"]
            elif key == "sex":
                value = sexes.get(values["sex"], "")
            else:
                value = values[_EXPORT_HOUSEHOLD.get(key, key)]
            if key in labels:
                value = labels[key].get(str(value), value)
            elif isinstance(value, bool):
                value = yes if value else no
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif value is None:
                value = ""
            else:
                value = str(value)
            row.append(value)
        yield row


def roster_export(*, user: User, path: Path, fmt: str, region: str = "", full: bool = False) -> ExportResult:
    """Write the roster in the user's scope to `path` (xlsx or csv) and log the export.
    Formulas are neutralised by the writers (safe_cell); `full` needs the reveal permission."""
    if not user.has_capability(Capability.EXPORT_REGISTRY):
        raise PermissionDenied(_("您的角色无权导出名册"))
    if full and not user.can_reveal_pii:
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    counter = _Counter(roster_rows(user=user, region=region, full=full))
    if fmt == "csv":
        write_csv(path, EXPORT_HEADERS, counter)
    else:
        write_xlsx(path, EXPORT_HEADERS, counter, title=_("家庭成员"))
    scope = user.scope_prefix or ""
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="person",
        region_code=region if region.startswith(scope) and len(region) > len(scope) else scope,
        summary=_("导出家庭成员名册 %(n)d 人（%(f)s，%(m)s）")
        % {"n": counter.count, "f": fmt, "m": _("完整身份证号") if full else _("身份证号已脱敏")},
        after={"persons": counter.count, "format": fmt, "region": region or scope, "full": full},
    )
    return ExportResult(path=path, persons=counter.count, full=full)


class _Counter(Iterator[list[object]]):
    def __init__(self, rows: Iterator[list[object]]) -> None:
        self.rows, self.count = rows, 0

    def __next__(self) -> list[object]:
        row = next(self.rows)
        self.count += 1
        return row


__all__ = [
    "COLUMNS",
    "EXPORT_HEADERS",
    "ExportResult",
    "ImportResult",
    "household_import",
    "import_template_xlsx",
    "roster_export",
    "roster_rows",
]
