import openpyxl
import pytest

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import ResidentService
from desktop_app.ui.dialogs.import_dialog import ImportDialog
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.views.reports import ReportsView


def test_report_preview_counts_and_export_in_the_background(qtbot, demo_context, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    view.kind.setCurrentIndex(view.kind.findData("care"))
    view.period.unit.setCurrentIndex(view.period.unit.findData("year"))
    view.period.year.setValue(2024)
    assert "2024年：将导出" in view.preview.text()
    assert view.include_illness.isVisibleTo(view)
    view.period.year.setValue(1999)
    assert "本期无记录" in view.preview.text()
    view.period.year.setValue(2024)
    target = tmp_path / "关怀.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "关怀"), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.task is not None and view.task.done, timeout=20000)
    assert target.exists()
    assert "已导出" in view.status.text()
    assert view.open_folder.isEnabled()
    assert demo_context.settings.value(FileKind.REPORT.value) == str(tmp_path), "the last folder is remembered"
    assert openpyxl.load_workbook(target).sheetnames == ["关怀台账", "分类汇总"]


def test_a_failed_export_is_reported_and_the_view_recovers(qtbot, demo_context, tmp_path, shown_errors):
    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    (tmp_path / "~$锁定.xlsx").write_text("lock")
    task = view.export_to(tmp_path / "锁定.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "正被 Excel 或 WPS 打开" in shown_errors[-1][1]
    assert view.export_button.isEnabled()
    assert view.status.text() == "导出未完成。"


@pytest.fixture
def roster(tmp_path):
    def make(rows):
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        path = tmp_path / "名册.xlsx"
        book.save(path)
        return path

    return make


def test_import_dialog_previews_then_imports(qtbot, context, roster):
    dialog = ImportDialog(context.db, "residents")
    qtbot.addWidget(dialog)
    task = dialog.load_file(roster([["姓名", "住址"], ["朱国萍", "5号楼"], ["李建华", "7号楼"]]))
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "新增 2" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    assert ResidentService(context.db).count() == 0
    task = dialog.commit()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert dialog.result_summary.created == 2
    assert ResidentService(context.db).count(ListQuery(text="zgp")) == 1


def test_import_dialog_blocks_a_file_with_errors(qtbot, context, roster):
    dialog = ImportDialog(context.db, "residents")
    qtbot.addWidget(dialog)
    task = dialog.load_file(roster([["姓名", "身份证号"], ["甲", "110105194912310021"], ["乙", ""]]))
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert not dialog.import_button.isEnabled()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "有错误"
    assert dialog.table.item(0, 0).text() == "2"
    assert "第B列（身份证号）：身份证号校验位不正确" in dialog.table.item(0, 3).text()
    assert "不会导入任何数据" in dialog.summary.text()


def test_import_dialog_explains_a_bad_file(qtbot, context, tmp_path, shown_errors):
    bad = tmp_path / "旧表.xls"
    bad.write_bytes(b"old")
    dialog = ImportDialog(context.db, "members")
    qtbot.addWidget(dialog)
    task = dialog.load_file(bad)
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "另存为 .xlsx" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_a_custom_period_that_ends_before_it_starts_is_said_and_not_exported(qtbot, demo_context):
    from PySide6.QtCore import Qt

    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    view.show()
    view.period.unit.setFocus()
    qtbot.keyClick(view.period.unit, Qt.Key.Key_End)  # 自定义, the last choice
    assert view.period.start.isVisible()
    view.period.end.setFocus()
    view.period.end.setCurrentSection(view.period.end.Section.YearSection)
    for _ in range(2):  # two years back: before the first day of this year
        qtbot.keyClick(view.period.end, Qt.Key.Key_Down)
    assert "早于开始日期" in view.preview.text()
    assert not view.export_button.isEnabled()
