"""The programmes of POLICY.md as code-level data: what each pays to, how often, and what it excludes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    HOUSEHOLD = "household"
    PERSON = "person"


class Periodicity(StrEnum):
    MONTHLY = "monthly"
    ONE_OFF = "one_off"
    PER_BILL = "per_bill"
    TRIGGERED = "triggered"


UNIT_LABELS = {Unit.HOUSEHOLD: "按户", Unit.PERSON: "按人"}
PERIODICITY_LABELS = {
    Periodicity.MONTHLY: "按月",
    Periodicity.ONE_OFF: "一次性",
    Periodicity.PER_BILL: "按单据",
    Periodicity.TRIGGERED: "触发期间按月",
}


@dataclass(frozen=True, slots=True)
class Program:
    code: str
    name: str
    unit: Unit
    periodicity: Periodicity
    # Programmes one person may not draw at the same time as this one.
    excludes: tuple[str, ...] = ()


PROGRAMS: tuple[Program, ...] = (
    Program("dibao_urban", "城市最低生活保障", Unit.HOUSEHOLD, Periodicity.MONTHLY,
            ("dibao_rural", "tekun_central", "tekun_dispersed")),
    Program("dibao_rural", "农村最低生活保障", Unit.HOUSEHOLD, Periodicity.MONTHLY,
            ("dibao_urban", "tekun_central", "tekun_dispersed")),
    Program("tekun_central", "特困人员救助供养（集中供养）", Unit.PERSON, Periodicity.MONTHLY,
            ("tekun_dispersed", "dibao_urban", "dibao_rural", "ertong")),
    Program("tekun_dispersed", "特困人员救助供养（分散供养）", Unit.PERSON, Periodicity.MONTHLY,
            ("tekun_central", "dibao_urban", "dibao_rural", "ertong")),
    Program("linshi", "临时救助", Unit.HOUSEHOLD, Periodicity.ONE_OFF),
    Program("yiliao", "医疗救助", Unit.PERSON, Periodicity.PER_BILL),
    Program("canji_shenghuo", "困难残疾人生活补贴", Unit.PERSON, Periodicity.MONTHLY),
    Program("canji_huli", "重度残疾人护理补贴", Unit.PERSON, Periodicity.MONTHLY),
    Program("gaoling", "高龄津贴", Unit.PERSON, Periodicity.MONTHLY),
    Program("laonian_kunnan", "经济困难老年人补贴", Unit.PERSON, Periodicity.MONTHLY),
    Program("ertong", "孤儿、事实无人抚养儿童基本生活费", Unit.PERSON, Periodicity.MONTHLY,
            ("tekun_central", "tekun_dispersed")),
    Program("weiwen", "春节一次性慰问金", Unit.PERSON, Periodicity.ONE_OFF),
    Program("jiage_butie", "价格临时补贴", Unit.PERSON, Periodicity.TRIGGERED),
)  # fmt: skip

PROGRAMS_BY_CODE = {p.code: p for p in PROGRAMS}

# What the monthly engine evaluates for every household, in the order a caseworker reads them.
MONTHLY_PROGRAMS: tuple[str, ...] = (
    "dibao_urban",
    "dibao_rural",
    "tekun_central",
    "tekun_dispersed",
    "canji_shenghuo",
    "canji_huli",
    "gaoling",
    "laonian_kunnan",
    "ertong",
)
