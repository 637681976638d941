"""The roster file: checks before it is opened, its rows, its formula cells, and finding its header."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Protocol

from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.normalize import clean_text, halfwidth


class HeaderSet(Protocol):
    """What header matching needs of a kind of file: each field's header names, the template's first."""

    @property
    def headers(self) -> dict[str, tuple[str, ...]]: ...


MAX_ROWS = 100_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 15
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format


# The OLE directory entry of Office's encrypted package, in UTF-16 as stored.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MAX_OLE_SCAN = 1 << 20


def check_file(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise AppError(f"找不到文件：{path}")
    with path.open("rb") as handle:
        head = handle.read(8)
        # An .xlsx with an opening password is stored as an OLE container holding the encrypted package.
        encrypted = head.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in handle.read(MAX_OLE_SCAN)
    if encrypted:
        raise AppError(
            f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 或 WPS 中打开它，取消密码后另存，再导入。"
        )
    if path.suffix.lower() == ".xls" or head.startswith(OLE_MAGIC):
        raise AppError(f"“{name}”是旧版 Excel（.xls）文件。请用 Excel 或 WPS 打开它，另存为 .xlsx 格式后再导入。")
    if not zipfile.is_zipfile(path):
        raise AppError(f"“{name}”不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）。请用 Excel 或 WPS 另存为 .xlsx。")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise AppError(f"“{name}”不是 Excel 工作簿（缺少工作簿内容）。")
    except zipfile.BadZipFile as exc:
        raise AppError(f"“{name}”已损坏，无法读取。请重新保存或向发送人重新索取。") from exc
    if total > MAX_UNCOMPRESSED_BYTES:
        raise AppError(
            f"“{name}”解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，太大，无法导入。请拆分后分批导入。"
        )


def read_sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """All rows of the first worksheet, values only, after the file checks."""
    import openpyxl  # loaded on first import, not at start-up

    path = Path(path)
    check_file(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise AppError(f"“{path.name}”已损坏或格式不受支持，无法读取。请用 Excel 或 WPS 重新另存为 .xlsx。") from exc
    rows: list[tuple[Any, ...]] = []
    try:
        sheet = book.worksheets[0]
        # Files written by other programs often state no size (or a wrong one); without this,
        # openpyxl parses the whole sheet once just to learn it before reading it again.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise AppError(f"“{path.name}”超过 {MAX_ROWS} 行，太大，无法一次导入。请拆分后分批导入。")
    except AppError:
        raise
    except Exception as exc:  # a malformed cell (a date that does not exist, a number that is not one)
        raise AppError(
            f"“{path.name}”第{len(rows) + 1}行有无法读取的单元格（内容格式损坏）。"
            "请在 Excel 或 WPS 中检查这一行，改正后另存再导入。"
        ) from exc
    finally:
        book.close()
    while rows and all(blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise AppError(f"“{path.name}”的第一个工作表是空的。")
    return rows


def formula_cells(path: Path) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the first sheet's formula cells.

    The rows are read with each formula's cached result (what Excel last computed); a formula saved by a
    program that does not compute (or never recalculated) has none, and would import as an empty phone
    or, cached as 0, as a resident named "0". Most rosters have no formulas: a scan of the sheet's XML
    decides whether the second read is needed at all.
    """
    import openpyxl

    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        if not any(b"<f" in archive.read(name) for name in sheets):
            return set()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return {
            (row_index, cell.column - 1)
            for row_index, row in enumerate(sheet.iter_rows())
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        }
    finally:
        book.close()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_key(text: Any) -> str:
    return halfwidth(clean_text(text)).replace(" ", "").replace("*", "").replace("＊", "")


def match_header(kind: HeaderSet, text: Any) -> str | None:
    """The field a header names: an exact synonym first, then a synonym it starts with (联系电话（手机）)."""
    key = header_key(text)
    if not key:
        return None
    for name, synonyms in kind.headers.items():
        if key in synonyms:
            return name
    for name, synonyms in kind.headers.items():
        if any(key.startswith(s) for s in synonyms if len(s) >= 2):
            return name
    return None


def find_header(kind: HeaderSet, rows: list[tuple[Any, ...]], file_name: str) -> tuple[int, dict[str, tuple[int, str]]]:
    best: tuple[int, dict[str, tuple[int, str]]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for column, value in enumerate(row):
            name = match_header(kind, value)
            if name and name not in columns:
                columns[name] = (column, header_key(value))
        if "name" in columns and len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    if best is None:
        expected = "、".join(s[0] for s in kind.headers.values())
        raise AppError(
            f"在“{file_name}”的前 {HEADER_SEARCH_ROWS} 行中找不到表头。表头至少要有“姓名”和另外一列，"
            f"可用的列名有：{expected}。可以先导出模板对照填写。"
        )
    return best
