"""The shipped defaults (defaults/parameters.yaml): read without a database, for `jiuzhu calc` and for
`parameters_load_defaults`, which copies them into the database for a region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from jiuzhu.policy.rules.params import PARAMETER_SPECS, canonical_text, params_frame

DEFAULTS_FILE = Path(__file__).parent / "defaults" / "parameters.yaml"


@dataclass(frozen=True, slots=True)
class ShippedValue:
    key: str
    value: str
    effective_from: dt.date
    source: str


@cache
def shipped_values() -> tuple[ShippedValue, ...]:
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    out = []
    for key, entries in data.items():
        if key not in PARAMETER_SPECS:
            raise ValueError(f"{DEFAULTS_FILE}: unknown key {key}")
        for entry in entries:
            out.append(ShippedValue(key, canonical_text(key, entry["value"]), entry["effective_from"], entry["source"]))
    missing = set(PARAMETER_SPECS) - {v.key for v in out}
    if missing:
        raise ValueError(f"{DEFAULTS_FILE}: no value for {sorted(missing)}")
    return tuple(out)


def shipped_frame(prefix: str = "") -> pl.DataFrame:
    """The shipped values as the engine's parameter frame, attached to one region prefix ("" = root)."""
    return params_frame([(prefix, v.key, v.value, v.effective_from) for v in shipped_values()])
