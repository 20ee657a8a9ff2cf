"""Rules as code: pure functions over Polars frames, no Django, no database.

The public face is small: `evaluate` runs every monthly programme for any number of households, the
event functions decide one-off amounts, and the parameter helpers turn dated regional values into the
engine's units.

Inside: programs/ holds one entry per programme (its rule and explanation line together, read by a
policy officer), reference.py the 低保 rule as plain Python, engine.py the machinery that runs the
entries over millions of households, catalogue.py the lists derived from the entries.
"""

from jiuzhu.policy.rules.catalogue import MONTHLY_PROGRAMS, PROGRAMS, PROGRAMS_BY_CODE, Periodicity, Program, Unit
from jiuzhu.policy.rules.engine import Evaluation, evaluate
from jiuzhu.policy.rules.events import Award, jiage_butie, linshi_suggest, params_for, weiwen, yiliao_bill
from jiuzhu.policy.rules.frames import HOUSEHOLD_COLUMNS, PERSON_COLUMNS
from jiuzhu.policy.rules.params import (
    PARAMETER_SPECS,
    Kind,
    ParameterError,
    ParameterSpec,
    Rounding,
    canonical_text,
    params_frame,
    parse_value,
    resolve,
)

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "MONTHLY_PROGRAMS",
    "PARAMETER_SPECS",
    "PERSON_COLUMNS",
    "PROGRAMS",
    "PROGRAMS_BY_CODE",
    "Award",
    "Evaluation",
    "Kind",
    "ParameterError",
    "ParameterSpec",
    "Periodicity",
    "Program",
    "Rounding",
    "Unit",
    "canonical_text",
    "evaluate",
    "jiage_butie",
    "linshi_suggest",
    "params_for",
    "params_frame",
    "parse_value",
    "resolve",
    "weiwen",
    "yiliao_bill",
]
