"""The `jiuzhu calc` contract: JSON households in, JSON decisions out, no database.

Input and output are documented in issue 3 and in the command's help; other tools rely on them, so a
change here is a change of contract. Parameters are the shipped defaults plus the file's overrides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from jiuzhu.policy.rules import MONTHLY_PROGRAMS, ParameterError, evaluate, params_frame, parse_value
from jiuzhu.policy.shipped import shipped_frame

DISABILITY_KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
INCOME_FIELDS = ("wage", "business", "property", "transfer", "other", "exempt")
RIGID_FIELDS = ("medical", "rehab")
# Overrides apply from the beginning of time: they replace the shipped history of their key.
OVERRIDE_FROM = dt.date(1900, 1, 1)


class CalcInputError(ValueError):
    """A malformed input; the message names the household, the member and the field."""


@dataclass
class _Where:
    household: object = None
    member: object = None

    def fail(self, field: str, problem: str, value: object = None) -> CalcInputError:
        parts = []
        if self.household is not None:
            parts.append(f"家庭 {self.household!r}")
        if self.member is not None:
            parts.append(f"成员 {self.member!r}")
        parts.append(f"字段 {field}")
        shown = "" if value is None else f"，收到 {value!r}"
        return CalcInputError(f"{' '.join(parts)}：{problem}{shown}")


def _fen(where: _Where, field: str, value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise where.fail(field, "应为金额（元）", value)
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise where.fail(field, "应为金额（元）", value) from None
    if not d.is_finite() or d < 0:
        raise where.fail(field, "应为不小于 0 的金额（元）", value)
    if d != d.quantize(Decimal("0.01")):
        raise where.fail(field, "金额最多保留两位小数", value)
    return int(d * 100)


def _bool(where: _Where, field: str, value: object, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise where.fail(field, "应为 true 或 false", value)
    return value


def _int(where: _Where, field: str, value: object, default: int, lo: int, hi: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise where.fail(field, f"应为 {lo} 到 {hi} 之间的整数", value)
    return value


def _choice(where: _Where, field: str, value: object, choices: tuple[str, ...], default: str | None) -> str:
    if value is None and default is not None:
        return default
    if value not in choices:
        raise where.fail(field, f"应为 {' | '.join(choices)} 之一", value)
    return str(value)


def _date(where: _Where, field: str, value: object) -> dt.date:
    if not isinstance(value, str):
        raise where.fail(field, "应为日期 YYYY-MM-DD", value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise where.fail(field, "应为日期 YYYY-MM-DD", value) from None


def _mapping(where: _Where, field: str, value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise where.fail(field, "应为对象 {…}", value)
    return value


def _id(where: _Where, field: str, value: object) -> str | int:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise where.fail(field, "应为非空字符串或整数", value)
    return value


@dataclass
class Parsed:
    date: dt.date
    overrides: dict[str, str]
    households: pl.DataFrame
    persons: pl.DataFrame
    household_ids: list[str | int]
    member_ids: list[str | int]


def parse(data: object, *, date: dt.date | None = None) -> Parsed:
    """The input as engine frames; CalcInputError on the first thing that does not fit."""
    top = _Where()
    if not isinstance(data, dict):
        raise top.fail("(根)", "应为 JSON 对象")
    if date is None:
        if data.get("date") is None:
            raise top.fail("date", "缺少计算日期（文件中的 date 或 --date）")
        date = _date(top, "date", data["date"])
    overrides: dict[str, str] = {}
    for key, value in _mapping(top, "parameters", data.get("parameters")).items():
        try:
            parsed = parse_value(key, value)
        except ParameterError as exc:
            raise top.fail(f"parameters.{key}", str(exc)) from None
        overrides[key] = parsed if isinstance(parsed, str) else str(parsed)
    households = data.get("households")
    if not isinstance(households, list):
        raise top.fail("households", "应为数组 […]", households)
    hh_rows: list[dict[str, Any]] = []
    p_rows: list[dict[str, Any]] = []
    hh_ids: list[str | int] = []
    m_ids: list[str | int] = []
    seen: set[object] = set()
    for h_index, h in enumerate(households):
        where = _Where(household=f"#{h_index + 1}")
        if not isinstance(h, dict):
            raise where.fail("(家庭)", "应为对象 {…}", h)
        hid = _id(where, "id", h.get("id"))
        where = _Where(household=hid)
        if hid in seen:
            raise where.fail("id", "家庭编号重复", hid)
        seen.add(hid)
        assets = _mapping(where, "assets", h.get("assets"))
        hh_rows.append(
            {
                "household_id": len(hh_ids),
                "urban": _choice(where, "area", h.get("area"), ("urban", "rural"), None) == "urban",
                "deposits": _fen(where, "assets.deposits", assets.get("deposits")),
                "vehicles": _int(where, "assets.vehicles", assets.get("vehicles"), 0, 0, 99),
                "disability_vehicle": _bool(
                    where, "assets.disability_vehicle", assets.get("disability_vehicle"), False
                ),
                "homes": _int(where, "assets.homes", assets.get("homes"), 1, 0, 99),
                "business": _bool(where, "assets.business", assets.get("business"), False),
            }
        )
        members = h.get("members")
        if not isinstance(members, list):
            raise where.fail("members", "应为数组 […]", members)
        member_seen: set[object] = set()
        for m_index, m in enumerate(members):
            mw = _Where(household=hid, member=f"#{m_index + 1}")
            if not isinstance(m, dict):
                raise mw.fail("(成员)", "应为对象 {…}", m)
            mid = _id(mw, "id", m.get("id"))
            mw = _Where(household=hid, member=mid)
            if mid in member_seen:
                raise mw.fail("id", "成员编号在本户内重复", mid)
            member_seen.add(mid)
            p_rows.append(_person_row(mw, m, len(hh_ids), len(m_ids), date))
            m_ids.append(mid)
        hh_ids.append(hid)
    hh_frame = pl.DataFrame(
        hh_rows,
        schema={"household_id": pl.Int64, "urban": pl.Boolean, "deposits": pl.Int64, "vehicles": pl.Int32,
                "disability_vehicle": pl.Boolean, "homes": pl.Int32, "business": pl.Boolean},
    ).with_columns(date=pl.lit(date, dtype=pl.Date))  # fmt: skip
    p_frame = pl.DataFrame(p_rows, schema=_PERSON_SCHEMA)
    return Parsed(date, overrides, hh_frame, p_frame, hh_ids, m_ids)


_PERSON_SCHEMA = {
    "person_id": pl.Int64, "household_id": pl.Int64, "label": pl.String, "birth_date": pl.Date,
    "disability_kind": pl.String, "disability_grade": pl.Int8, "serious_illness": pl.Boolean, "labor": pl.String,
    "adl_impossible": pl.Int8, "student": pl.Boolean, "alive": pl.Boolean, "excluded": pl.Boolean,
    "supporter": pl.String, "orphan": pl.String, "institution": pl.Boolean, "prefers_dibao": pl.Boolean,
    **{f"income_{f}": pl.Int64 for f in INCOME_FIELDS}, **{f"rigid_{f}": pl.Int64 for f in RIGID_FIELDS},
}  # fmt: skip


def _person_row(w: _Where, m: dict[str, Any], household: int, person: int, date: dt.date) -> dict[str, Any]:
    birth = _date(w, "birth_date", m.get("birth_date"))
    if birth > date:
        raise w.fail("birth_date", "出生日期晚于计算日期", m.get("birth_date"))
    disability = m.get("disability")
    kind = grade = None
    if disability is not None:
        d = _mapping(w, "disability", disability)
        kind = _choice(w, "disability.kind", d.get("kind"), DISABILITY_KINDS, None)
        grade = _int(w, "disability.grade", d.get("grade"), 0, 1, 4)
        if d.get("grade") is None:
            raise w.fail("disability.grade", "应为 1 到 4 之间的整数", None)
    relation = m.get("relation", "other")
    if not isinstance(relation, str):
        raise w.fail("relation", "应为字符串", relation)
    income = _mapping(w, "income", m.get("income"))
    rigid = _mapping(w, "rigid_expense", m.get("rigid_expense"))
    for name, given, allowed in (("income", income, INCOME_FIELDS), ("rigid_expense", rigid, RIGID_FIELDS)):
        for key in given:
            if key not in allowed:
                raise w.fail(f"{name}.{key}", f"未知字段，可用：{'、'.join(allowed)}")
    return {
        "person_id": person,
        "household_id": household,
        "label": str(m["id"]),
        "birth_date": birth,
        "disability_kind": kind,
        "disability_grade": grade,
        "serious_illness": _bool(w, "serious_illness", m.get("serious_illness"), False),
        "labor": _choice(w, "labor", m.get("labor"), ("none", "partial", "full"), "full"),
        "adl_impossible": _int(w, "adl_impossible", m.get("adl_impossible"), 0, 0, 6),
        "student": _bool(w, "student", m.get("student"), False),
        "alive": _bool(w, "alive", m.get("alive"), True),
        "excluded": _bool(w, "excluded", m.get("excluded"), False),
        "supporter": _choice(w, "supporter", m.get("supporter"), ("none", "incapable", "capable"), "capable"),
        "orphan": _choice(w, "orphan", m.get("orphan"), ("none", "orphan", "defacto"), "none"),
        "institution": _bool(w, "institution", m.get("institution"), False),
        "prefers_dibao": _bool(w, "prefers_dibao", m.get("prefers_dibao"), False),
        **{f"income_{f}": _fen(w, f"income.{f}", income.get(f)) for f in INCOME_FIELDS},
        **{f"rigid_{f}": _fen(w, f"rigid_expense.{f}", rigid.get(f)) for f in RIGID_FIELDS},
    }


def parameters_with(overrides: dict[str, str], base: pl.DataFrame | None = None) -> pl.DataFrame:
    base = shipped_frame() if base is None else base
    if not overrides:
        return base
    extra = params_frame([("", k, v, OVERRIDE_FROM) for k, v in overrides.items()])
    return pl.concat([base.filter(~pl.col("key").is_in(list(overrides))), extra])


def yuan_number(fen: int) -> int | float:
    """Whole yuan as a JSON integer, anything else with its two decimals."""
    return fen // 100 if fen % 100 == 0 else float(Decimal(fen) / 100)


def run(data: object, *, date: dt.date | None = None, base: pl.DataFrame | None = None) -> dict[str, Any]:
    parsed = parse(data, date=date)
    params = parameters_with(parsed.overrides, base)
    try:
        result = evaluate(parsed.households, parsed.persons, params, explain=True).households
    except ParameterError as exc:
        raise CalcInputError(str(exc)) from None
    out = []
    for row in result.sort("household_id").iter_rows(named=True):
        programs = {
            code: {
                "eligible": row[f"{code}.eligible"],
                "monthly": yuan_number(row[f"{code}.monthly"]),
                "persons": [parsed.member_ids[i] for i in row[f"{code}.persons"]],
                "explain": row[f"{code}.explain"],
            }
            for code in MONTHLY_PROGRAMS
        }
        out.append(
            {
                "id": parsed.household_ids[row["household_id"]],
                "per_capita_income": yuan_number(row["per_capita"]),
                "class": row["class"],
                "programs": programs,
            }
        )
    return {"date": parsed.date.isoformat(), "households": out}
