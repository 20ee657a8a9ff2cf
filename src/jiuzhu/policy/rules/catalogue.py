"""The programmes of POLICY.md and the lists derived from their entries (programs/)."""

from __future__ import annotations

from jiuzhu.policy.rules.entry import (
    PERIODICITY_LABELS,
    UNIT_LABELS,
    Periodicity,
    Program,
    Registry,
    Unit,
    gettext_noop,
)
from jiuzhu.policy.rules.programs import PROGRAMS

REGISTRY = Registry(PROGRAMS)
PROGRAMS_BY_CODE = REGISTRY.by_code
# What the monthly engine evaluates for every household, in the order a caseworker reads them.
MONTHLY_PROGRAMS: tuple[str, ...] = REGISTRY.monthly
# The documents every application asks for, before and after the programme's own ([57] 第十条): (code, msgid).
COMMON_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("application", gettext_noop("书面申请书")),
    ("id_cards", gettext_noop("家庭成员身份证、户口簿")),
    ("authorization", gettext_noop("家庭经济状况核对授权书")),
)
OTHER_DOCUMENT = ("other", gettext_noop("其他材料"))


def documents(code: str) -> list[tuple[str, str]]:
    """The documents checklist of a programme: (code, msgid)."""
    program = PROGRAMS_BY_CODE.get(code)
    return [*COMMON_DOCUMENTS, *(program.documents if program else ()), OTHER_DOCUMENT]


__all__ = [
    "MONTHLY_PROGRAMS",
    "PERIODICITY_LABELS",
    "PROGRAMS",
    "PROGRAMS_BY_CODE",
    "REGISTRY",
    "UNIT_LABELS",
    "Periodicity",
    "Program",
    "Unit",
    "documents",
]
