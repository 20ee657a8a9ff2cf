"""The kinds of external data set and their fields, declared once: the column-mapping form, the parser, the
Parquet schema and the pages all derive from these declarations.

A field's `synonyms` are the headers other departments use for it (公安 writes 公民身份号码, 残联 证件号码);
the mapping form guesses from them and the saved mapping of a source overrides the guess."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import polars as pl
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class FieldType(enum.Enum):
    TEXT = "text"
    ID_NUMBER = "id_number"
    DATE = "date"
    INTEGER = "integer"
    MONEY = "money"  # yuan in the file, integer fen in the Parquet file
    GENDER = "gender"  # 男/女 (M/F, 1/2 accepted) → "M"/"F"
    FLAG = "flag"  # 是/否, Y/N, 1/0 → bool


DTYPES = {
    FieldType.TEXT: pl.String,
    FieldType.ID_NUMBER: pl.String,
    FieldType.DATE: pl.Date,
    FieldType.INTEGER: pl.Int64,
    FieldType.MONEY: pl.Int64,
    FieldType.GENDER: pl.String,
    FieldType.FLAG: pl.Boolean,
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # Chinese, marked for the catalogue: gettext() it where shown
    type: FieldType = FieldType.TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()


class Kind(models.TextChoices):
    DEATHS = "deaths", _("死亡与火化")
    POVERTY = "poverty", _("防返贫监测与建档立卡")
    DISABILITY = "disability", _("残疾人证")
    VEHICLES = "vehicles", _("机动车登记")
    BUSINESS = "business", _("工商登记")
    REAL_ESTATE = "real_estate", _("不动产登记")
    PENSIONS = "pensions", _("养老金与社会保险")
    PAYROLL = "payroll", _("财政供养人员")
    OTHER_ROLLS = "other_rolls", _("外县救助对象名册")


NAME = FieldSpec(
    "name",
    gettext_noop("姓名"),
    required=True,
    synonyms=("姓名", "名字", "户主姓名", "死者姓名", "所有人", "车主", "权利人", "投资人", "法定代表人", "持证人"),
)
ID_NUMBER = FieldSpec(
    "id_number",
    gettext_noop("身份证号"),
    FieldType.ID_NUMBER,
    synonyms=("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "证件号", "社会保障号码", "社保号"),
)
GENDER = FieldSpec("gender", gettext_noop("性别"), FieldType.GENDER, synonyms=("性别",))
BIRTH = FieldSpec("birth_date", gettext_noop("出生日期"), FieldType.DATE, synonyms=("出生日期", "出生年月", "生日"))
ADDRESS = FieldSpec(
    "address", gettext_noop("住址"), synonyms=("住址", "地址", "户籍地址", "户籍地", "家庭住址", "住所")
)
PERSON = (NAME, ID_NUMBER, GENDER, BIRTH, ADDRESS)

KIND_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    Kind.DEATHS: (
        *PERSON,
        FieldSpec(
            "death_date",
            gettext_noop("死亡日期"),
            FieldType.DATE,
            True,
            ("死亡日期", "死亡时间", "火化日期", "注销日期"),
        ),
        FieldSpec("record_kind", gettext_noop("记录类别"), synonyms=("记录类别", "类别", "来源", "注销原因")),
    ),
    Kind.POVERTY: (
        FieldSpec(
            "household_no", gettext_noop("户编号"), required=True, synonyms=("户编号", "户码", "户号", "家庭编号")
        ),
        *PERSON,
        FieldSpec("relation", gettext_noop("与户主关系"), synonyms=("与户主关系", "关系", "与户主的关系")),
        FieldSpec("status", gettext_noop("监测状态"), synonyms=("监测状态", "户类型", "状态", "帮扶状态")),
    ),
    Kind.DISABILITY: (
        *PERSON,
        FieldSpec("cert_no", gettext_noop("残疾证号"), synonyms=("残疾证号", "残疾人证号", "证号")),
        FieldSpec("disability_kind", gettext_noop("残疾类别"), synonyms=("残疾类别", "残疾类型", "类别")),
        FieldSpec("grade", gettext_noop("残疾等级"), FieldType.INTEGER, True, ("残疾等级", "等级", "级别")),
        FieldSpec("issued_on", gettext_noop("发证日期"), FieldType.DATE, synonyms=("发证日期", "办证日期", "发证时间")),
    ),
    Kind.VEHICLES: (
        *PERSON,
        FieldSpec(
            "plate", gettext_noop("号牌号码"), required=True, synonyms=("号牌号码", "车牌号", "车牌号码", "号牌")
        ),
        FieldSpec("vehicle_type", gettext_noop("车辆类型"), synonyms=("车辆类型", "车型", "车辆种类")),
        FieldSpec(
            "registered_on", gettext_noop("登记日期"), FieldType.DATE, synonyms=("登记日期", "注册日期", "初次登记日期")
        ),
        FieldSpec(
            "disability_vehicle",
            gettext_noop("残疾人专用车"),
            FieldType.FLAG,
            synonyms=("残疾人专用车", "残疾人代步车"),
        ),
    ),
    Kind.BUSINESS: (
        *PERSON,
        FieldSpec(
            "company", gettext_noop("企业名称"), required=True, synonyms=("企业名称", "字号名称", "名称", "个体户名称")
        ),
        FieldSpec("credit_code", gettext_noop("统一社会信用代码"), synonyms=("统一社会信用代码", "信用代码", "注册号")),
        FieldSpec(
            "registered_on", gettext_noop("成立日期"), FieldType.DATE, synonyms=("成立日期", "登记日期", "注册日期")
        ),
        FieldSpec("status", gettext_noop("登记状态"), synonyms=("登记状态", "经营状态", "状态")),
    ),
    Kind.REAL_ESTATE: (
        *PERSON,
        FieldSpec(
            "cert_no",
            gettext_noop("不动产权证号"),
            required=True,
            synonyms=("不动产权证号", "产权证号", "不动产单元号", "证号"),
        ),
        FieldSpec("location", gettext_noop("坐落"), synonyms=("坐落", "房屋坐落", "不动产坐落")),
        FieldSpec(
            "area_m2",
            gettext_noop("建筑面积（平方米）"),
            FieldType.INTEGER,
            synonyms=("建筑面积", "面积", "建筑面积（平方米）"),
        ),
    ),
    Kind.PENSIONS: (
        *PERSON,
        FieldSpec("insurance", gettext_noop("险种"), synonyms=("险种", "险种类型", "保险类型")),
        FieldSpec(
            "monthly_amount",
            gettext_noop("月领取金额（元）"),
            FieldType.MONEY,
            True,
            ("月领取金额", "月养老金", "待遇金额", "月领取金额（元）"),
        ),
        FieldSpec(
            "start_month",
            gettext_noop("开始领取日期"),
            FieldType.DATE,
            synonyms=("开始领取日期", "待遇开始日期", "领取日期"),
        ),
    ),
    Kind.PAYROLL: (
        *PERSON,
        FieldSpec(
            "employer", gettext_noop("工作单位"), required=True, synonyms=("工作单位", "单位名称", "单位", "供养单位")
        ),
        FieldSpec(
            "monthly_salary",
            gettext_noop("月工资（元）"),
            FieldType.MONEY,
            synonyms=("月工资", "应发工资", "月工资（元）", "工资"),
        ),
    ),
    Kind.OTHER_ROLLS: (
        *PERSON,
        FieldSpec(
            "program", gettext_noop("救助类别"), required=True, synonyms=("救助类别", "保障类别", "救助项目", "类别")
        ),
        FieldSpec(
            "roll_region",
            gettext_noop("所在地区"),
            required=True,
            synonyms=("所在地区", "地区", "所属县区", "县区", "行政区划"),
        ),
        FieldSpec(
            "start_month",
            gettext_noop("享受起始日期"),
            FieldType.DATE,
            synonyms=("享受起始日期", "起始日期", "开始日期"),
        ),
    ),
}


def fields_of(kind: str) -> tuple[FieldSpec, ...]:
    return KIND_FIELDS[kind]


def parquet_schema(kind: str) -> dict[str, type[pl.DataType] | pl.DataType]:
    """The stored columns: `row` (the spreadsheet's row number), the kind's fields, and for a person the
    normalised 18-digit `id_norm` (null unless valid) beside what the file said."""
    schema: dict[str, type[pl.DataType] | pl.DataType] = {"row": pl.Int64}
    schema.update({f.name: DTYPES[f.type] for f in fields_of(kind)})
    schema["id_norm"] = pl.String
    return schema


def _plain(header: str) -> str:
    for ch in " \u3000()（）:：*":
        header = header.replace(ch, "")
    return header.lower()


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """field name → header of the file, for the fields whose header is one of their synonyms (an exact match
    first, then a header that contains a synonym); no header serves two fields."""
    plain = {_plain(h): h for h in headers if h}
    taken: set[str] = set()
    out: dict[str, str] = {}
    for exact in (True, False):
        for field in fields_of(kind):
            if field.name in out:
                continue
            for syn in (field.name, *field.synonyms):
                s = _plain(syn)
                hit = plain.get(s) if exact else next((h for p, h in plain.items() if s in p and h not in taken), None)
                if hit and hit not in taken:
                    out[field.name] = hit
                    taken.add(hit)
                    break
    return out
