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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.normalize import clean_text
from desktop_app.core.storage.targets import begin_partial, discard, os_failure, output_file, partial_path, put_in_place

FONT = "宋体"
HEADER_ROWS = 3  # title, unit/period line, column headers
LINE_HEIGHT = 15  # points per line of 11 pt 宋体
# The tallest a row may be: a row taller than the printed page runs off its bottom (and Excel refuses more
# than 409 pt). A longer text goes on in continuation rows of the same record.
MAX_ROW_LINES = 12
CONTINUED = "（续）"


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


# Printed size: a sheet fitted one page wide is shrunk as a whole, its text with it. LibreOffice on a Linux desktop
# prints a column-width unit at about 7.3 pt (measured: pdftotext on its PDF of the 会议明细; Excel about 5.6),
# on A4 landscape's 784 pt between the margins set in `finish`.
BODY_POINTS = 11
PRINTABLE_POINTS = 784
POINTS_PER_CELL = 7.3
READABLE_POINTS = 9


def printed_points(widths: Sequence[float]) -> float:
    """The body text's size in print when columns of these widths (Excel's units) are fitted one page wide."""
    return BODY_POINTS * min(1.0, PRINTABLE_POINTS / (sum(widths) * POINTS_PER_CELL))


@dataclass(frozen=True)
class ReportColumn:
    """A column with a width fixed in advance: rows stream out, so heights must be known as they are written."""

    header: str
    kind: CellKind = CellKind.TEXT
    width: int = 0

    @property
    def cells(self) -> int:
        """Wide enough for the header's longest line (a header may come in lines: "支委之间\n应谈对数")."""
        return max(
            self.width or DEFAULT_WIDTHS[self.kind], *(display_width(line) + 2 for line in self.header.split("\n"))
        )


@dataclass(frozen=True)
class ReportHeader:
    unit: str  # 填报单位
    period_text: str  # 统计期间
    reporter: str  # 填报人
    report_date: dt.date  # 填报日期


def display_width(text: str) -> int:
    """Columns a text needs: a Chinese character (three bytes in UTF-8) takes two, ASCII one."""
    return (len(text.encode()) + len(text)) // 2


TEXT_KINDS = (CellKind.TEXT, CellKind.LONG_TEXT, CellKind.CODE)
FORMAT_OF_KIND = {
    CellKind.INDEX: "count",
    CellKind.COUNT: "count",
    CellKind.TEXT: "text",
    CellKind.LONG_TEXT: "text",
    CellKind.CODE: "text",
    CellKind.DATE: "date",
    CellKind.MONEY: "money",
    CellKind.PERCENT: "percent",
}


def usable_cells(spec: ReportColumn) -> int:
    # Viewers' CJK fonts run a little wider than Excel's column unit: long text needs the room.
    return max(int(spec.cells * 0.85) - 1 if spec.kind is CellKind.LONG_TEXT else spec.cells - 1, 1)


def wrapped_lines(text: str, usable: int) -> int:
    """Printed lines a wrapped text takes when `usable` character cells fit on a line."""
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))


def split_for_rows(text: str, usable: int, max_lines: int = MAX_ROW_LINES) -> list[str]:
    """A text cut into pieces of at most `max_lines` printed lines each, at line ends where it can."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for line in text.split("\n"):
        while line:
            room = (max_lines - used) * usable  # character cells left in this piece
            if display_width(line) <= room:
                current.append(line)
                used += max(1, -(-display_width(line) // usable))
                line = ""
            else:
                cut, width = 0, 0
                while cut < len(line) and width + display_width(line[cut]) <= room:
                    width += display_width(line[cut])
                    cut += 1
                if cut:
                    current.append(line[:cut])
                    line = line[cut:]
                pieces.append("\n".join(current))
                current, used = [], 0
        if not line and used >= max_lines:
            pieces.append("\n".join(current))
            current, used = [], 0
    if current or not pieces:
        pieces.append("\n".join(current))
    return [piece for piece in pieces if piece] or [""]


CELL_LIMIT = 32767  # characters Excel keeps in a cell
TRUNCATED = "…（已截断）"


def export_text(value: object) -> str:
    """Text as it goes into a cell: control characters removed, line breaks kept, and a text longer than
    Excel keeps cut visibly rather than silently."""
    text = value if isinstance(value, str) else str(value)
    text = text.strip() if text.isprintable() else clean_text(text, multiline=True)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


def header_footer_text(text: str) -> str:
    """A person's text in a printed header or footer: `&` starts a code there (&P is the page number)."""
    return text.replace("&", "&&")


def lock_file_candidates(target: Path) -> list[Path]:
    """Lock files Excel, WPS and LibreOffice leave beside a workbook they have open."""
    return [target.with_name("~$" + target.name), target.with_name(f".~lock.{target.name}#")]


EMPTY_NOTE = "本期无记录"


def protect_with_password(path: Path, password: str) -> None:
    """Office's own encryption (ECMA-376 Agile, AES-256): Excel, WPS and LibreOffice ask for the password,
    and without it the file is unreadable."""
    from msoffcrypto.format.ooxml import OOXMLFile

    sealed = path.with_name(path.name + ".sealed")
    try:
        with path.open("rb") as plain, sealed.open("wb") as out:
            OOXMLFile(plain).encrypt(password, out)
        sealed.replace(path)
    finally:
        sealed.unlink(missing_ok=True)


class SheetWriter:
    def __init__(self, book: ReportBook, name: str, title: str, columns: Sequence[ReportColumn]) -> None:
        self.book = book
        self.columns = list(columns)
        self.sheet = book.workbook.add_worksheet(name[:31])
        self.row = 0
        self.data_rows = 0
        last = len(self.columns) - 1
        header = book.header
        unit, period = f"填报单位：{header.unit}", f"统计期间：{header.period_text}"
        widths = [spec.cells for spec in self.columns]
        # The 填报单位 / 统计期间 line splits where the columns reach half the table's width. In a narrow
        # table (a 公示 of three columns) the columns each side widen until its half can be read: cut
        # text in a filed report is a wrong report.
        split = next((i + 1 for i in range(len(widths)) if sum(widths[: i + 1]) * 2 >= sum(widths)), 1)
        split = min(max(split, 1), max(last, 1))
        widths[split - 1] += max(display_width(unit) + 2 - sum(widths[:split]), 0)
        if split <= last:
            widths[last] += max(display_width(period) + 2 - sum(widths[split:]), 0)
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        formats = book.formats
        self.sheet.set_row(0, 30)
        self.sheet.merge_range(0, 0, 0, last, title, formats["title"])
        self._across(1, 0, split - 1, unit, formats["info"])
        if split <= last:
            self._across(1, split, last, period, formats["info_right"])
        for column, spec in enumerate(self.columns):
            self.sheet.write_string(2, column, spec.header, formats["header"])
        header_lines = max(spec.header.count("\n") + 1 for spec in self.columns)
        if header_lines > 1:  # headers given in lines: a row as tall as they are
            self.sheet.set_row(2, LINE_HEIGHT * header_lines + 3)
        self.row = HEADER_ROWS
        # Worked out once per sheet: how each column wraps, how its values are written, its formats.
        self._plan: list[tuple[int, bool, Any, Any, Any]] = []
        for spec in self.columns:
            name = FORMAT_OF_KIND[spec.kind]
            text = spec.kind in TEXT_KINDS
            write = self.sheet.write_datetime if spec.kind is CellKind.DATE else self.sheet.write_number
            usable = 0 if spec.kind is CellKind.CODE else usable_cells(spec)
            self._plan.append((usable, text, write, formats[name], formats[name + "_total"]))

    def _across(self, row: int, first: int, last: int, text: str, cell_format: Any) -> None:
        """Text across columns first..last (one cell needs no merging: Excel refuses a merge of one)."""
        if first == last:
            self.sheet.write_string(row, first, text, cell_format)
        else:
            self.sheet.merge_range(row, first, row, last, text, cell_format)

    def write_row(self, values: Sequence[Any], total: bool = False) -> None:
        # Each cell goes out through the library's typed writer for its column: no per-value type dispatch.
        sheet, row, lines = self.sheet, self.row, 1
        continued: dict[int, list[str]] = {}
        for column, ((usable, text_kind, write, plain, bold), value) in enumerate(zip(self._plan, values, strict=True)):
            cell_format = bold if total else plain
            if value is None or value == "":
                sheet.write_blank(row, column, None, cell_format)  # blank, but bordered
            elif text_kind or value.__class__ is str:
                # Always a string cell: "=SUM(…)", "+86…", "@…" stay text; control characters go.
                text = export_text(value)
                if usable and (len(text) * 2 > usable or "\n" in text):
                    cell_lines = wrapped_lines(text, usable)
                    if cell_lines > MAX_ROW_LINES:
                        first, *rest = split_for_rows(text, usable)
                        text, continued[column], cell_lines = first, rest, wrapped_lines(first, usable)
                    lines = max(lines, cell_lines)
                sheet.write_string(row, column, text, cell_format)
            else:
                write(row, column, float(value) if value.__class__ is Decimal else value, cell_format)
        # Rows stream out, but the current one can still be sized: LibreOffice and WPS do not grow it on opening.
        if lines > 1:
            sheet.set_row(row, LINE_HEIGHT * lines + 3)
        self.row += 1
        self.data_rows += 1
        if continued:
            self._continue(continued, total)

    def _continue(self, pieces: dict[int, list[str]], total: bool) -> None:
        """The rest of a record's long texts, in rows below it marked （续）, so every line is printed."""
        for index in range(max(len(rest) for rest in pieces.values())):
            row, lines = self.row, 1
            for column, (usable, _, _, plain, bold) in enumerate(self._plan):
                cell_format = bold if total else plain
                rest = pieces.get(column, [])
                if index < len(rest):
                    self.sheet.write_string(row, column, rest[index], cell_format)
                    lines = max(lines, wrapped_lines(rest[index], usable))
                elif column == 0:
                    self.sheet.write_string(row, column, CONTINUED, cell_format)
                else:
                    self.sheet.write_blank(row, column, None, cell_format)
            self.sheet.set_row(row, LINE_HEIGHT * lines + 3)
            self.row += 1
            self.data_rows += 1

    def write_note(self, text: str) -> None:
        """A line across the whole table (e.g. 本期无记录); a longer one wraps, its row as tall as its lines (a merged
        cell is not grown by LibreOffice or WPS on opening)."""
        lines = wrapped_lines(text, max(int(sum(spec.cells for spec in self.columns) * 0.85) - 1, 1))
        if lines > 1:
            self.sheet.set_row(self.row, LINE_HEIGHT * lines + 3)
        self.sheet.merge_range(self.row, 0, self.row, len(self.columns) - 1, text, self.book.formats["note"])
        self.row += 1

    def finish(self) -> None:
        """The sheet's end: 本期无记录 under the headings if nothing was written, the signature line, and
        the print setup (A4 landscape, one page wide, the title repeated on every page)."""
        if self.row == HEADER_ROWS:
            self.write_note(EMPTY_NOTE)
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
        reporter = header_footer_text(header.reporter)
        sheet.set_footer(f"&L填报人：{reporter}&C第 &P 页 共 &N 页&R填报日期：{header.report_date:%Y-%m-%d}")


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
        base: dict[str, object] = {"font_name": FONT, "font_size": BODY_POINTS, "valign": "vcenter"}
        cell = {**base, "border": 1}
        formats = {
            "title": add({**base, "font_size": 16, "bold": True, "align": "center"}),
            "info": add({**base, "align": "left"}),
            "info_right": add({**base, "align": "right"}),
            "header": add({**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9D9D9"}),
            "note": add({**cell, "align": "center", "text_wrap": True}),
        }
        kinds: dict[str, dict[str, object]] = {
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
def atomic_target(target: Path, suffixes: tuple[str, ...] = (".xlsx",), what: str = "报表") -> Iterator[Path]:
    """Write to a temporary file beside the target and rename it into place on success.

    A failed export never leaves a half-written file under the target's name, and a
    target that is open in Excel or WPS gets a clear message.
    """
    target = output_file(Path(target), suffixes, what)
    for lock in lock_file_candidates(target):
        if lock.exists():
            raise AppError(f"文件“{target.name}”正被 Excel 或 WPS 打开，请先关闭它再导出。")
    partial = partial_path(target)
    try:
        yield begin_partial(target)
        put_in_place(partial, target)
    except PermissionError as exc:
        raise AppError(
            f"无法写入“{target.name}”：文件可能正被 Excel 或 WPS 打开，或没有写入权限。请关闭后重试。"
        ) from exc
    except OSError as exc:
        raise os_failure(exc, "写入") from exc
    finally:
        discard(partial)
