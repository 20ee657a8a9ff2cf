"""The `jiuzhu calc` contract: JSON households in, JSON decisions out, no database.

Input and output are documented in issue 3 and in the command's help; other tools rely on them, so a
change here is a change of contract. Parameters are the shipped defaults plus the file's overrides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from jiuzhu.policy.rules import MONTHLY_PROGRAMS, ParameterError, evaluate, params_frame, parse_value
from jiuzhu.policy.rules.frames import (
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_KEYS,
    PERSON_FIELDS,
    PERSON_KEYS,
    REQUIRED,
    Field,
    Kind,
    engine_frames,
    typed_schema,
)
from jiuzhu.policy.shipped import shipped_frame

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


def _at(where: _Where, record: dict[str, Any], path: str) -> object:
    """The value at a dotted path of the contract ("assets.deposits"); every object on the way must be one."""
    *groups, last = path.split(".")
    for depth, group in enumerate(groups):
        record = _mapping(where, ".".join(groups[: depth + 1]), record.get(group))
    return record.get(last)


def _value(where: _Where, field: Field, value: object, *, required: bool = False) -> object:
    """One field of the contract, checked by its kind as the schema declares it; its default when absent."""
    path = field.json or field.name
    default = None if field.default is REQUIRED else field.default
    if value is None and not required and field.kind is not Kind.CHOICE:
        return default
    if field.kind is Kind.MONEY:
        return _fen(where, path, value)
    if field.kind is Kind.BOOL:
        return _bool(where, path, value, bool(default))
    if field.kind is Kind.INT:
        lo, hi = field.bounds or (0, 2**31 - 1)
        if value is None:
            raise where.fail(path, f"应为 {lo} 到 {hi} 之间的整数", None)
        return _int(where, path, value, 0, lo, hi)
    if field.kind is Kind.CHOICE:
        return _choice(where, path, value, field.choices, None if required or default is None else str(default))
    if field.kind is Kind.DATE:
        return _date(where, path, value)
    return value


# Objects of the contract that are given whole or not at all ("disability": {"kind", "grade"}).
_WHOLE = {"disability"}
# Objects whose keys are checked against the schema: a typo in an income type is an error, not a zero.
_CLOSED = {"income", "rigid_expense"}


def _fields_of(where: _Where, record: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in _CLOSED:
        allowed = [f.json.split(".", 1)[1] for f in fields if f.json and f.json.startswith(group + ".")]
        for key in _mapping(where, group, record.get(group)):
            if key not in allowed:
                raise where.fail(f"{group}.{key}", f"未知字段，可用：{'、'.join(allowed)}")
    for f in fields:
        if f.json is None:  # not part of the contract (the region, the name): its default
            out[f.name] = None if f.default is REQUIRED else f.default
            continue
        group = f.json.split(".", 1)[0] if "." in f.json else ""
        if group in _WHOLE and record.get(group) is None:
            out[f.name] = None
            continue
        required = f.default is REQUIRED or group in _WHOLE
        out[f.name] = _value(where, f, _at(where, record, f.json), required=required)
    return out


def parse(data: object, *, date: dt.date | None = None) -> Parsed:
    """The input as engine frames; CalcInputError on the first thing that does not fit. Each field is read
    where the schema (policy.rules.frames) says the contract carries it."""
    top = _Where()
    if not isinstance(data, dict):
        raise top.fail("(根)", "应为 JSON 对象")
    if date is None:
        if data.get("date") is None:
            raise top.fail("date", "缺少计算日期（文件中的 date 或 --date）")
        date = _date(top, "date", data["date"])
    overrides = _overrides(top, data.get("parameters"))
    households = data.get("households")
    if not isinstance(households, list):
        raise top.fail("households", "应为数组 […]", households)
    rows = _Rows()
    for h_index, h in enumerate(households):
        rows.add_household(h_index, h, date)
    typed_h = pl.DataFrame(rows.households, schema=typed_schema(HOUSEHOLD_FIELDS, HOUSEHOLD_KEYS))
    typed_p = pl.DataFrame(rows.persons, schema=typed_schema(PERSON_FIELDS, PERSON_KEYS))
    hh_frame, p_frame = engine_frames(typed_h, typed_p, date)
    return Parsed(date, overrides, hh_frame, p_frame, rows.household_ids, rows.member_ids)


def _overrides(top: _Where, given: object) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for key, value in _mapping(top, "parameters", given).items():
        try:
            parsed = parse_value(key, value)
        except ParameterError as exc:
            raise top.fail(f"parameters.{key}", str(exc)) from None
        overrides[key] = parsed if isinstance(parsed, str) else str(parsed)
    return overrides


@dataclass
class _Rows:
    """The typed rows of the households read so far; the engine numbers households and persons by their
    position, and the output maps positions back to the file's ids."""

    households: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    household_ids: list[str | int] = field(default_factory=list)
    member_ids: list[str | int] = field(default_factory=list)
    seen: set[object] = field(default_factory=set)

    def add_household(self, index: int, h: object, date: dt.date) -> None:
        where = _Where(household=f"#{index + 1}")
        if not isinstance(h, dict):
            raise where.fail("(家庭)", "应为对象 {…}", h)
        hid = _id(where, "id", h.get("id"))
        where = _Where(household=hid)
        if hid in self.seen:
            raise where.fail("id", "家庭编号重复", hid)
        self.seen.add(hid)
        self.households.append({"id": len(self.household_ids), **_fields_of(where, h, HOUSEHOLD_FIELDS)})
        members = h.get("members")
        if not isinstance(members, list):
            raise where.fail("members", "应为数组 […]", members)
        in_household: set[object] = set()
        for m_index, m in enumerate(members):
            mw = _Where(household=hid, member=f"#{m_index + 1}")
            if not isinstance(m, dict):
                raise mw.fail("(成员)", "应为对象 {…}", m)
            mid = _id(mw, "id", m.get("id"))
            mw = _Where(household=hid, member=mid)
            if mid in in_household:
                raise mw.fail("id", "成员编号在本户内重复", mid)
            in_household.add(mid)
            person = _person(mw, m, str(mid), date)
            self.persons.append({"id": len(self.member_ids), "household_id": len(self.household_ids), **person})
            self.member_ids.append(mid)
        self.household_ids.append(hid)


def _person(w: _Where, m: dict[str, Any], label: str, date: dt.date) -> dict[str, Any]:
    values = _fields_of(w, m, PERSON_FIELDS)
    if values["birth_date"] > date:
        raise w.fail("birth_date", "出生日期晚于计算日期", m.get("birth_date"))
    relation = m.get("relation", "other")
    if not isinstance(relation, str):
        raise w.fail("relation", "应为字符串", relation)
    # "alive": false, the contract's older way of saying it: dead on the day of the calculation.
    if not _bool(w, "alive", m.get("alive"), True) and (values["date_of_death"] or date) >= date:
        values["date_of_death"] = date
    return {**values, "name": label}


def parameters_with(overrides: dict[str, str], base: pl.DataFrame | None = None) -> pl.DataFrame:
    base = shipped_frame() if base is None else base
    if not overrides:
        return base
    extra = params_frame([("", k, v, OVERRIDE_FROM) for k, v in overrides.items()])
    return pl.concat([base.filter(~pl.col("key").is_in(list(overrides))), extra])


def yuan_number(fen: int) -> int | float:
    """Whole yuan as a JSON integer, anything else with its two decimals."""
    return fen // 100 if fen % 100 == 0 else float(Decimal(fen) / 100)


def run(
    data: object, *, date: dt.date | None = None, base: pl.DataFrame | None = None, marked: bool = False
) -> dict[str, Any]:
    """The calc contract's JSON for `data`; `marked`: the explanation lines as marked messages (core/messages.py)
    to be shown in the reader's language, instead of Chinese text."""
    parsed = parse(data, date=date)
    params = parameters_with(parsed.overrides, base)
    try:
        result = evaluate(parsed.households, parsed.persons, params, explain=True, marked=marked).households
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
