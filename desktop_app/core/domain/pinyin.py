"""Pinyin of Chinese names: initials for search (`zgp` finds 朱国萍) and a full-pinyin key for sorting,
with surnames read as surnames (曾 is zeng as a surname, not ceng; 单 shan, 仇 qiu, 解 xie …)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Surnames whose everyday reading (what pypinyin gives first) is not the surname reading.
# Two-character surnames are listed where the second character is polyphonic or the pair is misread.
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "单于": ("chan", "yu"),
    "令狐": ("ling", "hu"),
    "百里": ("bai", "li"),
    "钟离": ("zhong", "li"),
    "乐正": ("yue", "zheng"),
}
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "覃": "qin",
    "乐": "yue",
    "召": "shao",
    "种": "chong",
    "繁": "po",
    "员": "yun",
    "秘": "bi",
    "折": "she",
    "翟": "zhai",
    "祭": "zhai",
    "句": "gou",
    "阚": "kan",
    "莘": "shen",
    "薄": "bo",
    "朝": "chao",
    "卜": "bu",
    "藏": "zang",
    "隗": "wei",
    "洗": "xian",
    "郇": "xun",
    "粘": "nian",
    "能": "nai",
    "宿": "su",
    "都": "du",
    "重": "chong",
    "长": "chang",
    "黑": "he",
    "相": "xiang",
    "殷": "yin",
    "纪": "ji",
    "尉": "wei",
}


def _as_they_are(chars: str) -> Any:  # pypinyin takes a list (one item a character); its annotation says str
    """Characters without pinyin (letters, digits) stay as they are, one syllable each."""
    return list(chars.lower())


@lru_cache(maxsize=65536)
def name_syllables(name: str) -> tuple[str, ...]:
    """The pinyin of a name, one syllable a character; other characters (letters, digits) as they are."""
    if not name:
        return ()
    # pypinyin loads its dictionaries on import: only pay for it when a name is saved.
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name, errors=_as_they_are)
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), None)
    if surname is not None:
        return (*COMPOUND_SURNAMES[surname], *syllables[len(surname) :])
    if name[0] in SURNAME_READINGS:
        return (SURNAME_READINGS[name[0]], *syllables[1:])
    return tuple(syllables)


def initials(text: str) -> str:
    """`zgp` for 朱国萍, `zgf` for 曾国藩."""
    return "".join(syllable[0] for syllable in name_syllables(text) if syllable).lower()


def sort_key(name: str) -> str:
    """Full pinyin, syllable by syllable, so one surname stays together (陈芳, 陈国强 … before 程刚敏);
    the name itself breaks ties between homophones (张三, 章三)."""
    return " ".join(name_syllables(name)) + "|" + name
