"""Pinyin keys of Chinese names, so staff can search without a Chinese input method."""

from __future__ import annotations

from functools import lru_cache

import polars as pl
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str]:
    """("zs", "zhangsan") for 张三. Surname readings (单 shàn, 曾 zēng) follow pypinyin's phrase data."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    pinyin = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return initials[:20], pinyin[:120]


def looks_like_initials(query: str) -> bool:
    return query.isascii() and query.isalpha() and len(query) <= 20


@lru_cache(maxsize=20_000)
def _char_key(char: str) -> str | None:
    """A character's default toneless reading, which lazy_pinyin uses unless a phrase overrides it."""
    readings = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return readings[0].lower() if len(readings) == 1 else None


def _has_phrase(name: str) -> bool:
    return any(name[i:j] in PHRASES_DICT for i in range(len(name)) for j in range(i + 2, len(name) + 1))


def name_keys_bulk(names: pl.Series) -> pl.DataFrame:
    """name_keys for a column of names, computed once per distinct name. A name that contains no phrase of
    pypinyin's dictionary reads character by character, so it is spelt from a per-character table; only
    the rest go through lazy_pinyin's phrase segmentation, which is what made a million-person import slow."""
    mapping_initials: dict[str, str] = {}
    mapping_pinyin: dict[str, str] = {}
    for name in names.unique().to_list():
        syllables = [_char_key(c) for c in name]
        if _has_phrase(name) or any(s is None for s in syllables):
            keys = name_keys(name)
        else:
            full = "".join(s for s in syllables if s)
            keys = ("".join(s[0] for s in syllables if s)[:20], full[:120])
        mapping_initials[name], mapping_pinyin[name] = keys
    return pl.DataFrame(
        {
            "name_initials": names.replace_strict(mapping_initials, return_dtype=pl.String),
            "name_pinyin": names.replace_strict(mapping_pinyin, return_dtype=pl.String),
        }
    )
