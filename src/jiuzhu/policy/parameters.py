"""The parameters as people read them: labels, units and rounding modes in the user's language.

PARAMETER_SPECS (policy/rules/params.py) holds the Chinese text as data, marked for the catalogue, since
the rules know nothing of Django; everything shown on a page, a form or an audit line goes through here.
The rules' own ParameterError messages keep the Chinese label.
"""

from __future__ import annotations

from django.utils.translation import gettext

from jiuzhu.policy.rules import PARAMETER_SPECS, Kind, Rounding
from jiuzhu.policy.rules.params import ROUNDING_LABELS


def parameter_label(key: str) -> str:
    """The parameter's label in the user's language; an unknown key as it is."""
    spec = PARAMETER_SPECS.get(key)
    return gettext(spec.label) if spec else key


def parameter_unit(key: str) -> str:
    """The unit in the user's language; "" where the key has none (gettext("") would be the catalogue's header)."""
    spec = PARAMETER_SPECS.get(key)
    return gettext(spec.unit) if spec and spec.unit else ""


def parameter_shown(key: str, value: object) -> str:
    """A value as a page shows it: a rounding mode by its name, anything else as stored."""
    text = str(value)
    spec = PARAMETER_SPECS.get(key)
    if spec is not None and spec.kind is Kind.ROUNDING and text in ROUNDING_LABELS:
        return gettext(ROUNDING_LABELS[Rounding(text)])
    return text


def parameter_choices() -> list[tuple[str, str]]:
    """Every key for a select, labelled in the user's language with the key beside it."""
    return [(key, f"{parameter_label(key)}（{key}）") for key in PARAMETER_SPECS]
