"""The fuzzy stage (Splink 5). Placeholder until the Splink model lands: links nothing."""

from __future__ import annotations

import polars as pl

from jiuzhu.matching.linkage.exact import PAIR_SCHEMA
from jiuzhu.matching.linkage.settings import LinkSettings


def link_fuzzy(left: pl.DataFrame, right: pl.DataFrame, *, settings: LinkSettings) -> pl.DataFrame:
    """Prepared frames → pairs with method "fuzzy" and Splink's match probability as score."""
    del left, right, settings
    return pl.DataFrame(schema=PAIR_SCHEMA)
