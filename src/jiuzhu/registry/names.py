"""Pinyin keys of Chinese names, so staff can search without a Chinese input method."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str]:
    """("zs", "zhangsan") for 张三. Surname readings (单 shàn, 曾 zēng) follow pypinyin's phrase data."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    pinyin = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return initials[:20], pinyin[:120]


def looks_like_initials(query: str) -> bool:
    return query.isascii() and query.isalpha() and len(query) <= 20
