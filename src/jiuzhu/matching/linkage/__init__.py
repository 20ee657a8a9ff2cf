"""Record linkage of person lists: exact on valid ID numbers, then fuzzy (Splink 5) on names and their pinyin,
ID-number edit distance, birth date, sex and village for the records whose number is missing, mistyped or
otherwise unmatched. Pure functions over Polars frames; no database.

    left, right = prepare(raw_left), prepare(raw_right)   # raw: PERSON_COLUMNS
    pairs = link(left, right)                              # left_id, right_id, score, method
"""

from jiuzhu.matching.linkage.engine import link
from jiuzhu.matching.linkage.exact import METHOD_EXACT, METHOD_FUZZY, PAIR_SCHEMA, exact_pairs, link_exact
from jiuzhu.matching.linkage.normalise import PERSON_COLUMNS, normalise_id_numbers, prepare
from jiuzhu.matching.linkage.settings import LinkSettings

__all__ = [
    "METHOD_EXACT",
    "METHOD_FUZZY",
    "PAIR_SCHEMA",
    "PERSON_COLUMNS",
    "LinkSettings",
    "exact_pairs",
    "link",
    "link_exact",
    "normalise_id_numbers",
    "prepare",
]
