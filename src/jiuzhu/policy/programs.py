"""The programmes as people read them: names, labels and documents checklists in the user's language.

The entries (policy/rules/programs/) hold the Chinese text as data, since the rules know nothing of
Django; everything shown on a page or a form goes through here.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django_stubs_ext import StrOrPromise

from jiuzhu.policy.rules.catalogue import PERIODICITY_LABELS, PROGRAMS, PROGRAMS_BY_CODE, UNIT_LABELS, documents

# What payroll lines pay that no one applies for and the engine does not evaluate: the yearly share of the
# residents' medical insurance contribution 医疗救助 pays for 特困 and 低保 members (its parameters zizhu_canbao.*).
PAID_ONLY = {"zizhu_canbao": gettext_noop("资助参保")}


def program_name(code: str) -> str:
    """The programme's name in the user's language; an unknown code as it is."""
    program = PROGRAMS_BY_CODE.get(code)
    if program is not None:
        return gettext(program.name)
    return gettext(PAID_ONLY[code]) if code in PAID_ONLY else code


def program_choices() -> list[tuple[str, StrOrPromise]]:
    return [(p.code, gettext_lazy(p.name)) for p in PROGRAMS]


def program_rows() -> list[dict[str, object]]:
    """Every programme with its name, unit and periodicity as the 标准与参数 page lists them."""
    return [
        {
            "p": p,
            "name": gettext(p.name),
            "unit": gettext(UNIT_LABELS[p.unit]),
            "periodicity": gettext(PERIODICITY_LABELS[p.periodicity]),
            "excludes": [program_name(code) for code in p.excludes],
        }
        for p in PROGRAMS
    ]


def checklist(code: str) -> list[tuple[str, StrOrPromise]]:
    """The documents an application for the programme asks for (申请材料清单, [57] 第十条): (code, label)."""
    return [(key, gettext_lazy(label)) for key, label in documents(code)]
