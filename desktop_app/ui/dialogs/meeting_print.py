"""The paper 会议记录: one meeting a page, printed or saved as PDF with Qt's own printing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget

from desktop_app.core.domain.errors import AppError
from desktop_app.core.exchange.reports.pdf_text import repair_text_layer
from desktop_app.core.services.meetings import MeetingRecord, MeetingService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.targets import begin_partial, discard, output_file, partial_path, put_in_place
from desktop_app.ui.kit.background import BackgroundTask, run_in_background
from desktop_app.ui.kit.formatting import chinese_date
from desktop_app.ui.kit.operations import attempt

PRINT_FONTS = ("SimSun", "宋体", "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei")


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>") if value else "&nbsp;"


def meeting_page(record: MeetingRecord, org: str) -> str:
    """One meeting as HTML for QTextDocument: the paper form's rows, and the signature lines."""
    cell = 'style="border: 1px solid black; padding: 6px;"'
    label = f'{cell[:-1]} font-weight: bold;" width="21%"'
    people = f"应到 {record.expected} 人，实到 {record.attended} 人"
    host = f"主持人：{escape(record.host)}　　记录人：{escape(record.recorder)}"
    if record.lecturer:
        host += f"　　授课人：{escape(record.lecturer)}"
    when = chinese_date(record.date) + (f"　{record.times}" if record.times else "")
    topic = _text(record.topic) + (f"<br>{_text(record.agenda)}" if record.agenda else "")
    resolutions = _text(record.resolutions) + (f"<br>表决结果：{escape(record.votes)}" if record.votes else "")
    rows = [
        ("时间", escape(when)),
        ("地点", _text(record.place)),
        ("人员", host),
        ("出勤", people),
        ("出席人员", _text("、".join(record.present))),
        ("请假及缺席人员（原因）", _text("；".join(record.away))),
        ("议题", topic),
        ("会议内容", _text(record.content)),
        ("决议", resolutions),
    ]
    body = "".join(f"<tr><td {label}>{name}</td><td {cell}>{value}</td></tr>" for name, value in rows)
    return (
        f'<h2 align="center">{escape(org)}<br>{escape(record.title)}</h2>'
        f'<table width="100%" cellspacing="0" style="border-collapse: collapse;">{body}</table>'
        '<p style="margin-top: 36px;">主持人（签字）：____________　　　　记录人（签字）：____________</p>'
    )


def meetings_html(service: MeetingService, ids: Sequence[int]) -> str:
    """Every meeting's page as one HTML text; reads the database and touches nothing of Qt's."""
    profile = ProfileService(service.db).get()
    org = profile.org_name or profile.community_name
    pages = [meeting_page(service.record_sheet(record_id), org) for record_id in ids]
    # Every meeting starts a new page, for binding at year end (年终装订).
    return '<div style="page-break-before: always;"></div>'.join(pages)


def meetings_document(html: str) -> QTextDocument:
    document = QTextDocument()
    font = QFont()
    font.setFamilies(list(PRINT_FONTS))
    font.setPointSize(10)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document


MARGINS_MM = QMarginsF(20, 18, 20, 18)


def _prepare(device: QPagedPaintDevice, document: QTextDocument) -> None:
    """A4 with the margins of the paper form; the document is laid out on the printable area."""
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    printable = device.pageLayout().paintRect(QPageLayout.Unit.Point)
    document.setPageSize(QSizeF(printable.width(), printable.height()))


def lay_out_pdf(html: str, target: Path) -> None:
    """Qt's part, on the GUI thread (about 5 ms a page): the pages laid out and written beside the target."""
    partial = begin_partial(output_file(target, (".pdf",), "会议记录PDF"))
    writer = QPdfWriter(str(partial))
    writer.setTitle("会议记录")
    writer.setCreator("书记工作台")
    writer.setResolution(300)
    document = meetings_document(html)
    _prepare(writer, document)
    document.print_(writer)
    del writer  # the file is complete only once the writer is gone
    if not partial.is_file():  # Qt says nothing when it cannot write
        discard(partial)
        raise AppError(f"无法写入“{target}”：位置可能是只读的，或磁盘已满。")


def finish_pdf(target: Path) -> Path:
    """No Qt: search and copy give 支, not the radical ⽀ the font shares its glyph with; then the whole
    file takes the target's name."""
    partial = partial_path(target)
    try:
        repair_text_layer(partial)
        put_in_place(partial, target)
    finally:
        discard(partial)
    return target


def write_meeting_pdf(service: MeetingService, ids: Sequence[int], target: Path) -> Path:
    """Save the meetings as one PDF, one page each, at once."""
    lay_out_pdf(meetings_html(service, ids), Path(target))
    return finish_pdf(Path(target))


def export_meeting_pdf(
    parent: QWidget, service: MeetingService, ids: Sequence[int], target: Path, on_done: Callable[[Path], None]
) -> BackgroundTask:
    """The same, with the database reads and the text-layer repair (most of the time for a year's meetings:
    about 2.5 s of 3.5 s for 200) on a worker thread; only Qt's layout runs on the GUI thread."""

    def print_pages(html: str) -> None:
        if attempt(parent, lambda: lay_out_pdf(html, target)).ok:
            run_in_background(
                label="正在导出PDF…",
                work=lambda: finish_pdf(target),
                on_done=on_done,
                parent=parent,
                progress_dialog=True,
            )

    return run_in_background(
        label="正在导出PDF…",
        work=lambda: meetings_html(service, ids),
        on_done=print_pages,
        parent=parent,
        progress_dialog=True,
    )


def print_meetings(parent: QWidget, service: MeetingService, ids: Sequence[int]) -> bool:
    """The system's print dialog, then the printer."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    document = meetings_document(meetings_html(service, ids))
    _prepare(printer, document)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印会议记录")
    if not dialog.exec():
        return False
    document.print_(printer)
    return True
