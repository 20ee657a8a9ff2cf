"""The engine's input: one declared schema of what describes a household and its members.

Every path into the engine goes through it: the registry (policy.selectors reads these fields by name),
a case's snapshot (stored as records of these fields, policy.inputs) and the `jiuzhu calc` JSON (each field
says where the contract carries it, policy.calc). Each path produces a *typed frame* — one column per field,
money in integer fen — and `engine_frames` turns typed frames into the engine's columns in one place, so the
same household gets the same answer whichever screen asks. Every other list of fields is derived from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl

REQUIRED = object()


class Kind(StrEnum):
    MONEY = "money"  # yuan with at most two decimals outside; integer fen in typed frames and the engine
    BOOL = "bool"
    INT = "int"
    CHOICE = "choice"
    DATE = "date"
    TEXT = "text"


_DTYPES: dict[Kind, Any] = {
    Kind.MONEY: pl.Int64,
    Kind.BOOL: pl.Boolean,
    Kind.INT: pl.Int32,
    Kind.CHOICE: pl.String,
    Kind.DATE: pl.Date,
    Kind.TEXT: pl.String,
}


@dataclass(frozen=True, slots=True)
class Field:
    """One input: its name (the registry's field and the snapshot's key), kind, meaning, default (in typed
    form: fen for money; REQUIRED when it must be given), allowed values, where the calc contract carries it
    (a dotted path; None when the contract does not), and its type in the engine."""

    name: str
    kind: Kind
    meaning: str
    default: object = REQUIRED
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None
    json: str | None = None
    dtype: Any = None

    @property
    def engine_dtype(self) -> Any:
        return self.dtype or _DTYPES[self.kind]


DISABILITY_KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
LABOR = ("full", "partial", "none")
SUPPORTER = ("none", "incapable", "capable")
ORPHAN = ("none", "orphan", "defacto")
AREAS = ("urban", "rural")

_M, _B, _I, _C, _D, _T = Kind.MONEY, Kind.BOOL, Kind.INT, Kind.CHOICE, Kind.DATE, Kind.TEXT

HOUSEHOLD_FIELDS: tuple[Field, ...] = (
    Field("region_code", _T, "所在村（社区）的12位区划代码：按它取本地标准", ""),
    Field("area", _C, "城乡类别：城镇家庭适用城市低保标准", REQUIRED, AREAS, json="area"),
    Field("deposits", _M, "存款、有价证券等金融资产合计（元）", 0, json="assets.deposits"),
    Field("vehicles", _I, "机动车辆数", 0, bounds=(0, 99), json="assets.vehicles"),
    Field("disability_vehicle", _B, "车辆为残疾人功能性补偿代步机动车", False, json="assets.disability_vehicle"),
    Field("homes", _I, "房产套数", 1, bounds=(0, 99), json="assets.homes"),
    Field("business", _B, "有工商登记", False, json="assets.business"),
)

PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", _T, "姓名：说明文字中称呼此人", None),
    Field("birth_date", _D, "出生日期：按计算日计算周岁", json="birth_date"),
    Field("date_of_death", _D, "死亡日期：计算日当天及以前死亡的不再计入", None, json="date_of_death"),
    Field("disability_kind", _C, "残疾类别（无残疾为空；无类别时等级不计）", None, DISABILITY_KINDS,
          json="disability.kind"),
    Field("disability_grade", _I, "残疾等级（一级最重）", None, bounds=(1, 4), json="disability.grade", dtype=pl.Int8),
    Field("serious_illness", _B, "患重特大疾病", False, json="serious_illness"),
    Field("labor", _C, "劳动能力", "full", LABOR, json="labor"),
    Field("adl_impossible", _I, "六项日常生活活动中不能完成的项数（特困自理能力）", 0, bounds=(0, 6),
          json="adl_impossible", dtype=pl.Int8),
    Field("student", _B, "在校学生", False, json="student"),
    Field("excluded", _B, "按规定不计入共同生活家庭成员", False, json="excluded"),
    Field("supporter", _C, "法定赡养、抚养、扶养义务人情况", "capable", SUPPORTER, json="supporter"),
    Field("orphan", _C, "孤儿或事实无人抚养儿童", "none", ORPHAN, json="orphan"),
    Field("institution", _B, "机构集中供养或养育", False, json="institution"),
    Field("prefers_dibao", _B, "符合特困条件但自愿选择低保", False, json="prefers_dibao"),
    Field("income_wage", _M, "工资性收入（元/月）", 0, json="income.wage"),
    Field("income_business", _M, "经营净收入（元/月）", 0, json="income.business"),
    Field("income_property", _M, "财产净收入（元/月）", 0, json="income.property"),
    Field("income_transfer", _M, "转移净收入（元/月）", 0, json="income.transfer"),
    Field("income_other", _M, "其他收入（元/月）", 0, json="income.other"),
    Field("income_exempt", _M, "豁免、不计入的收入（元/月）", 0, json="income.exempt"),
    Field("rigid_medical", _M, "因病刚性支出（元/月）", 0, json="rigid_expense.medical"),
    Field("rigid_rehab", _M, "因残康复刚性支出（元/月）", 0, json="rigid_expense.rehab"),
)  # fmt: skip

HOUSEHOLD_BY_NAME = {f.name: f for f in HOUSEHOLD_FIELDS}
PERSON_BY_NAME = {f.name: f for f in PERSON_FIELDS}
# Income by type as the applicant declares it; exempt income ([57] 第十四条) is recorded but never counted.
INCOME_FIELDS = tuple(f.name for f in PERSON_FIELDS if (f.json or "").startswith("income."))
COUNTED_INCOME_FIELDS = tuple(name for name in INCOME_FIELDS if name != "income_exempt")
MONEY_FIELDS = tuple(f.name for f in (*HOUSEHOLD_FIELDS, *PERSON_FIELDS) if f.kind is Kind.MONEY)

# Typed frames carry these keys beside the fields: the household's `id`; the person's `id` and `household_id`.
HOUSEHOLD_KEYS: dict[str, Any] = {"id": pl.Int64}
PERSON_KEYS: dict[str, Any] = {"id": pl.Int64, "household_id": pl.Int64}


def typed_schema(fields: tuple[Field, ...], keys: dict[str, Any]) -> dict[str, Any]:
    return {**keys, **{f.name: f.engine_dtype for f in fields}}


# The engine's own columns, derived from the fields: where an input becomes a column of another name or
# meaning (area → urban, date_of_death → alive on the date, name → label, region_code → region), it is here.
_RENAMED = {"region_code": "region", "name": "label"}


def _engine_columns(fields: tuple[Field, ...]) -> dict[str, tuple[Any, object]]:
    out: dict[str, tuple[Any, object]] = {}
    for f in fields:
        if f.name == "area":
            out["urban"] = (pl.Boolean, False)
        elif f.name == "date_of_death":
            out["alive"] = (pl.Boolean, True)
        else:
            out[_RENAMED.get(f.name, f.name)] = (f.engine_dtype, f.default)
    return out


HOUSEHOLD_COLUMNS: dict[str, tuple[Any, object]] = {
    "household_id": (pl.Int64, REQUIRED),
    "date": (pl.Date, REQUIRED),
    **_engine_columns(HOUSEHOLD_FIELDS),
}
PERSON_COLUMNS: dict[str, tuple[Any, object]] = {
    "person_id": (pl.Int64, REQUIRED),
    "household_id": (pl.Int64, REQUIRED),
    **_engine_columns(PERSON_FIELDS),
}


def engine_frames(households: pl.DataFrame, persons: pl.DataFrame, date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed frames (fields by name, money in fen, keys as above) as the engine's frames for `date`.

    The one translation every path shares: a person who dies after `date` is alive on it; a disability
    grade counts only with a disability kind ("" and null both mean none)."""
    on = pl.lit(date, dtype=pl.Date)
    hh = households.select(
        pl.col("id").alias("household_id"),
        on.alias("date"),
        (pl.col("area") == "urban").fill_null(False).alias("urban"),
        *(pl.col(f.name).alias(_RENAMED.get(f.name, f.name)) for f in HOUSEHOLD_FIELDS if f.name != "area"),
    )
    kind = pl.col("disability_kind")
    disabled = kind.is_not_null() & (kind != "")
    died = pl.col("date_of_death")
    special = {"disability_kind", "disability_grade", "date_of_death"}
    ps = persons.select(
        pl.col("id").alias("person_id"),
        pl.col("household_id"),
        *(pl.col(f.name).alias(_RENAMED.get(f.name, f.name)) for f in PERSON_FIELDS if f.name not in special),
        pl.when(disabled).then(kind).alias("disability_kind"),
        pl.when(disabled).then(pl.col("disability_grade")).alias("disability_grade"),
        (died.is_null() | (died > on)).alias("alive"),
    )
    return conform(hh, HOUSEHOLD_COLUMNS, "households"), conform(ps, PERSON_COLUMNS, "persons")


def conform(frame: pl.DataFrame, columns: dict[str, tuple[Any, object]], what: str) -> pl.DataFrame:
    """The frame with exactly the engine's columns and types; missing optional columns filled."""
    if frame.width == len(columns) and all(
        name == want and dtype == columns[want][0]
        for (name, dtype), want in zip(frame.schema.items(), columns, strict=True)
    ):  # conformed already (engine_frames, a case's snapshot): as it is
        return frame
    exprs = []
    for name, (dtype, default) in columns.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        elif default is REQUIRED:
            raise KeyError(f"{what} frame lacks required column {name!r}")
        else:
            exprs.append(pl.lit(default, dtype=dtype).alias(name))
    return frame.select(exprs)
