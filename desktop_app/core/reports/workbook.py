"""The conventions every report shares (DESIGN.md, "Excel reports").

Merged title, a 填报单位 / 统计期间 line, header row, thin borders, 宋体, widths that fit
Chinese text, wrapped long text, frozen header, autofilter, A4 landscape fitted to
one page wide with the title rows repeated, `第 &P 页 共 &N 页` in the footer and a
填报人 / 填报日期 line. Text is always written as text: a value that starts with
`=`, `+`, `-` or `@` never becomes a formula or a link.

XlsxWriter in constant-memory mode streams rows to disk (50,000 rows in little
memory) and still merges cells, which openpyxl's write-only mode cannot.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_app.core.errors import AppError
from desktop_app.core.normalize import clean_text

FONT = "宋体"
HEADER_ROWS = 3  # title, unit/period line, column headers
LINE_HEIGHT = 15  # points per line of 11 pt 宋体


class CellKind(enum.Enum):
    INDEX = enum.auto()
    TEXT = enum.auto()
    LONG_TEXT = enum.auto()
    CODE = enum.auto()  # phone and ID numbers: text, never a number
    DATE = enum.auto()
    MONEY = enum.auto()
    COUNT = enum.auto()
    PERCENT = enum.auto()


# Widths in character cells (a Chinese character takes two).
DEFAULT_WIDTHS = {
    CellKind.INDEX: 6,
    CellKind.TEXT: 14,
    CellKind.LONG_TEXT: 34,
    CellKind.CODE: 21,
    CellKind.DATE: 12,
    CellKind.MONEY: 13,
    CellKind.COUNT: 8,
    CellKind.PERCENT: 9,
}


@dataclass(frozen=True)
class ReportColumn:
    """A column with a width fixed in advance: rows stream out, so heights must be known as they are written."""

    header: str
    kind: CellKind = CellKind.TEXT
    width: int = 0

    @property
    def cells(self) -> int:
        return max(self.width or DEFAULT_WIDTHS[self.kind], display_width(self.header) + 2)


@dataclass(frozen=True)
class ReportHeader:
    unit: str  # 填报单位
    period_text: str  # 统计期间
    reporter: str  # 填报人
    report_date: dt.date  # 填报日期


def display_width(text: str) -> int:
    """Columns a text needs: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


TEXT_KINDS = (CellKind.TEXT, CellKind.LONG_TEXT, CellKind.CODE)


def wrapped_lines(text: str, cells: int, long: bool = False) -> int:
    """Printed lines a wrapped text takes in a column `cells` wide."""
    # Viewers' CJK fonts run a little wider than Excel's column unit: long text needs the room.
    usable = max(int(cells * 0.85) - 1 if long else cells - 1, 1)
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))


def lock_file_candidates(target: Path) -> list[Path]:
    """Lock files Excel, WPS and LibreOffice leave beside a workbook they have open."""
    return [target.with_name("~$" + target.name), target.with_name(f".~lock.{target.name}#")]


class SheetWriter:
    def __init__(self, book: ReportBook, name: str, title: str, columns: Sequence[ReportColumn]) -> None:
        self.book = book
        self.columns = list(columns)
        self.sheet = book.workbook.add_worksheet(name[:31])
        self.row = 0
        self.data_rows = 0
        last = len(self.columns) - 1
        for column, spec in enumerate(self.columns):
            self.sheet.set_column(column, column, spec.cells)
        formats = book.formats
        self.sheet.set_row(0, 30)
        self.sheet.merge_range(0, 0, 0, last, title, formats["title"])
        # The 填报单位 / 统计期间 line splits where the columns reach half the table's width.
        widths = [spec.cells for spec in self.columns]
        split = next((i + 1 for i in range(len(widths)) if sum(widths[: i + 1]) * 2 >= sum(widths)), 1)
        split = min(max(split, 1), max(last, 1))
        header = book.header
        self.sheet.merge_range(1, 0, 1, split - 1, f"填报单位：{header.unit}", formats["info"])
        if split <= last:
            self.sheet.merge_range(1, split, 1, last, f"统计期间：{header.period_text}", formats["info_right"])
        for column, spec in enumerate(self.columns):
            self.sheet.write_string(2, column, spec.header, formats["header"])
        self.row = HEADER_ROWS

    def write_row(self, values: Sequence[Any], total: bool = False) -> None:
        formats = self.book.formats
        suffix = "_total" if total else ""
        cells = []
        lines = 1
        for spec, value in zip(self.columns, values, strict=True):
            if isinstance(value, str) or (value is not None and spec.kind in TEXT_KINDS):
                # Always a string cell: "=SUM(…)", "+86…", "@…" stay text; control characters go.
                value = clean_text(value, multiline=True)
                if spec.kind is not CellKind.CODE:
                    lines = max(lines, wrapped_lines(value, spec.cells, long=spec.kind is CellKind.LONG_TEXT))
            cells.append(value)
        # Rows stream out, so their height is set here: LibreOffice and WPS do not grow them on opening.
        if lines > 1:
            self.sheet.set_row(self.row, LINE_HEIGHT * lines + 3)
        for column, (spec, value) in enumerate(zip(self.columns, cells, strict=True)):
            self._write_cell(column, spec.kind, value, formats, suffix)
        self.row += 1
        self.data_rows += 1

    def _write_cell(self, column: int, kind: CellKind, value: Any, formats: dict[str, Any], suffix: str) -> None:
        sheet, row = self.sheet, self.row
        if value is None or value == "":
            sheet.write_blank(row, column, None, formats["text" + suffix])
        elif isinstance(value, str):
            sheet.write_string(row, column, value, formats["text" + suffix])
        elif kind is CellKind.DATE and isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, formats["date" + suffix])
        elif isinstance(value, int | float | Decimal):
            name = {CellKind.MONEY: "money", CellKind.PERCENT: "percent"}.get(kind, "count")
            sheet.write_number(row, column, float(value), formats[name + suffix])
        else:
            sheet.write_string(row, column, clean_text(value), formats["text" + suffix])

    def write_note(self, text: str) -> None:
        """A line across the whole table (e.g. 本期无记录)."""
        self.sheet.merge_range(self.row, 0, self.row, len(self.columns) - 1, text, self.book.formats["note"])
        self.row += 1

    def finish(self) -> None:
        sheet, header, last = self.sheet, self.book.header, len(self.columns) - 1
        if self.data_rows:
            sheet.autofilter(HEADER_ROWS - 1, 0, HEADER_ROWS - 1 + self.data_rows, last)
        signature = f"填报人：{header.reporter}　　　　填报日期：{header.report_date:%Y-%m-%d}"
        sheet.merge_range(self.row + 1, 0, self.row + 1, last, signature, self.book.formats["info"])
        sheet.freeze_panes(HEADER_ROWS, 0)
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, HEADER_ROWS - 1)
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        sheet.set_footer(f"&L填报人：{header.reporter}&C第 &P 页 共 &N 页&R填报日期：{header.report_date:%Y-%m-%d}")


class ReportBook:
    def __init__(self, path: Path, header: ReportHeader) -> None:
        import xlsxwriter  # loaded at the first export, not at start-up

        self.header = header
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.formats = self._formats()

    def _formats(self) -> dict[str, Any]:
        add = self.workbook.add_format
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1}
        formats = {
            "title": add({**base, "font_size": 16, "bold": True, "align": "center"}),
            "info": add({**base, "align": "left"}),
            "info_right": add({**base, "align": "right"}),
            "header": add({**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9D9D9"}),
            "note": add({**cell, "align": "center"}),
        }
        kinds = {
            "text": {"text_wrap": True},
            "date": {"num_format": "yyyy-mm-dd", "align": "center"},
            "money": {"num_format": "#,##0.00"},
            "count": {"num_format": "0", "align": "center"},
            "percent": {"num_format": "0%", "align": "center"},
        }
        for name, properties in kinds.items():
            formats[name] = add({**cell, **properties})
            formats[name + "_total"] = add({**cell, **properties, "bold": True})
        return formats

    def sheet(self, name: str, title: str, columns: Sequence[ReportColumn]) -> SheetWriter:
        return SheetWriter(self, name, title, columns)

    def close(self) -> None:
        self.workbook.close()


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """Write to a temporary file beside the target and rename it into place on success.

    A failed export never leaves a half-written file under the target's name, and a
    target that is open in Excel or WPS gets a clear message.
    """
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise AppError(f"报表文件名应以 .xlsx 结尾：{target.name}")
    if not target.parent.is_dir():
        raise AppError(f"保存位置不存在：{target.parent}")
    for lock in lock_file_candidates(target):
        if lock.exists():
            raise AppError(f"文件“{target.name}”正被 Excel 或 WPS 打开，请先关闭它再导出。")
    partial = target.with_name(f".{target.name}.partial")
    try:
        yield partial
        os.replace(partial, target)
    except PermissionError as exc:
        raise AppError(
            f"无法写入“{target.name}”：文件可能正被 Excel 或 WPS 打开，或没有写入权限。请关闭后重试。"
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
