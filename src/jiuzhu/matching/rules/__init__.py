"""The anomaly rules (比对规则), one table: each declares its code, Chinese name, description, source and
severity and is a function over the run's frames (rules.context). `evaluate` runs the chosen ones."""

from __future__ import annotations

from jiuzhu.matching.rules import assets, coverage, deaths, duplicates
from jiuzhu.matching.rules.base import OUT_SCHEMA, Level, Rule
from jiuzhu.matching.rules.context import Context, load_context

RULES: dict[str, Rule] = {r.code: r for r in (*deaths.RULES, *coverage.RULES, *duplicates.RULES, *assets.RULES)}

__all__ = ["OUT_SCHEMA", "RULES", "Context", "Level", "Rule", "load_context"]
