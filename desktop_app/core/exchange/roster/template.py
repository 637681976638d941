"""The import template a secretary fills in."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.exchange.roster.kinds import kind_for
from desktop_app.core.storage.targets import output_file


def write_template(kind_key: str, target: Path) -> Path:
    """An empty roster with the header names the import knows, and a hint for each column."""
    import xlsxwriter

    kind = kind_for(kind_key)
    target = output_file(Path(target), (".xlsx",), "导入模板")
    hints = {
        "birth_date": "日期，如 1960-03-05 或 1960年3月5日",
        "join_date": "日期，如 1985-07-01",
        "id_number": "18 位身份证号，请把单元格设为文本",
        "phone": "手机或座机号码，请把单元格设为文本",
        "gender": "男 或 女",
        "member_type": "正式党员 或 预备党员",
        "tags": "多个标签用顿号分隔，如 独居老人、高龄",
        "group": "如 第1党小组；表中新出现的党小组会自动建立",
        "committee_role": "支委成员填写职务，如 组织委员",
    }
    target = Path(target)
    book = xlsxwriter.Workbook(str(target))
    try:
        sheet = book.add_worksheet(f"{kind.label}名册")
        title = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
        header = book.add_format(
            {"font_name": "宋体", "bold": True, "border": 1, "bg_color": "#D9D9D9", "align": "center"}
        )
        text = book.add_format({"font_name": "宋体", "num_format": "@"})
        names = [synonyms[0] for synonyms in kind.headers.values()]
        sheet.merge_range(0, 0, 0, len(names) - 1, f"{kind.label}名册（从第 3 行起每人一行，列的顺序可以调整）", title)
        for column, (name, label) in enumerate(zip(kind.headers, names, strict=True)):
            sheet.write_string(1, column, label, header)
            sheet.set_column(column, column, 22 if name in ("id_number", "address") else 14, text)
            if name in hints:
                sheet.write_comment(1, column, hints[name])
        sheet.freeze_panes(2, 0)
    finally:
        book.close()
    return target
