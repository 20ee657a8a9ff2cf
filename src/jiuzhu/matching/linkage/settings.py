"""The knobs of a linkage run. Defaults come from the Django settings `JIUZHU_LINKAGE_*` (environment
variables of the same names), so a county can raise the threshold or move to Spark without a code change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings as django_settings

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")


@dataclass(frozen=True)
class LinkSettings:
    """threshold: the match probability (0–1) a fuzzy pair needs to be kept.
    backend: the Splink engine for the fuzzy stage, "duckdb" (in process) or "spark" (local or a cluster).
    fuzzy: False links on valid ID numbers only.
    one_to_one: a fuzzy pair is kept only if each side is the other's best candidate (ties kept); a record
    already linked on its ID number takes no fuzzy link.
    spark_master: the Spark master URL when backend is "spark" ("local[*]" runs in this process' machine).
    """

    threshold: float = 0.9
    backend: Backend = "duckdb"
    fuzzy: bool = True
    one_to_one: bool = True
    spark_master: str = "local[*]"

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be within 0..1, not {self.threshold}")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {self.backend!r}")

    @classmethod
    def from_settings(cls, **overrides: object) -> LinkSettings:
        """The defaults of this installation (settings.JIUZHU_LINKAGE_*), with some fields overridden."""
        values: dict[str, object] = {
            "threshold": float(getattr(django_settings, "JIUZHU_LINKAGE_THRESHOLD", cls.threshold)),
            "backend": str(getattr(django_settings, "JIUZHU_LINKAGE_BACKEND", cls.backend)),
            "spark_master": str(getattr(django_settings, "JIUZHU_LINKAGE_SPARK_MASTER", cls.spark_master)),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
