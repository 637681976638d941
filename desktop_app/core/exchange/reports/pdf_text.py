"""The text layer of a PDF written by Qt with a CJK font: search and copy must give 支, not ⽀.

Fonts such as Noto CJK draw a Kangxi radical (⽀ U+2F40) and the ideograph it looks like (支 U+652F) with
one glyph. Qt writes each glyph's meaning (the ToUnicode map) from the first code point the font lists for
it, the radical, so the printed page looks right and the filed PDF searches and copies wrong. Here the
map is rewritten to the ideographs: Kangxi radicals by their Unicode compatibility mapping (NFKC), the
CJK radicals supplement by the ideographs they are drawn identical to.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# CJK Radicals Supplement forms that are whole characters of everyday simplified Chinese (from Unicode's
# EquivalentUnifiedIdeograph data); NFKC maps only ⺟ and ⻳ of this block.
RADICAL_SUPPLEMENT = {
    "⺟": "母", "⺠": "民", "⺬": "示", "⺷": "羊", "⺻": "聿", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝",
    "⻋": "车", "⻓": "长", "⻔": "门", "⻗": "雨", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马",
    "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿",
    "⻰": "龙", "⻳": "龟",
}  # fmt: skip

_HEX = re.compile(r"<([0-9A-Fa-f]{4,8})>")


def ideograph(code: str) -> str:
    """A ToUnicode destination (hex) with a radical replaced by its ideograph; others as they are."""
    text = bytes.fromhex(code).decode("utf-16-be", errors="strict")
    if len(text) != 1:
        return code
    point = ord(text)
    if 0x2F00 <= point <= 0x2FDF:
        text = unicodedata.normalize("NFKC", text)
    elif 0x2E80 <= point <= 0x2EFF:
        text = RADICAL_SUPPLEMENT.get(text, text)
    return text.encode("utf-16-be").hex().upper()


def repaired_cmap(cmap: str) -> str:
    """Destinations rewritten in `bfchar` pairs and in `bfrange` arrays (what Qt writes); the source codes
    (glyph ids, any number) are left alone."""
    lines = []
    section = ""
    for line in cmap.splitlines():
        stripped = line.strip()
        if stripped.endswith(("beginbfchar", "beginbfrange")):
            section = stripped.split()[-1]
        elif stripped in ("endbfchar", "endbfrange"):
            section = ""
        elif section == "beginbfchar":
            source, _, destination = stripped.partition(" ")
            line = f"{source} {_HEX.sub(lambda m: f'<{ideograph(m.group(1))}>', destination)}"
        elif section == "beginbfrange" and "[" in stripped:
            head, _, array = stripped.partition("[")
            line = f"{head}[{_HEX.sub(lambda m: f'<{ideograph(m.group(1))}>', array)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def repair_text_layer(path: Path) -> None:
    """Rewrite the ToUnicode maps of every font of the PDF at `path`, in place."""
    from pypdf import PdfWriter  # loaded when a PDF is written, not at start-up

    writer = PdfWriter(clone_from=str(path))
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for reference in fonts.values():
            font = reference.get_object()
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None or id(to_unicode.get_object()) in seen:
                continue
            stream = to_unicode.get_object()
            seen.add(id(stream))
            stream.set_data(repaired_cmap(stream.get_data().decode("latin-1")).encode("latin-1"))
    with Path(path).open("wb") as handle:
        writer.write(handle)
