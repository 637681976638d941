"""Pinyin initials of Chinese names, so `zgp` finds 朱国萍."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def initials(text: str) -> str:
    if not text:
        return ""
    # pypinyin loads its dictionaries on import: only pay for it when a name is saved.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars.lower()))
    return "".join(letters).lower()
