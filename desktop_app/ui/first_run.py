"""First run: ask for the community profile, and offer demo data to someone trying the program."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QVBoxLayout, QWidget

from desktop_app.core.storage.database import Database
from desktop_app.ui.dialog_buttons import ok_cancel
from desktop_app.ui.operations import attempt
from desktop_app.ui.profile_fields import ProfileFields


class FirstRunDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("欢迎使用书记工作台")
        layout = QVBoxLayout(self)
        intro = QLabel("请先填写本居民区的基本信息，它们会出现在窗口标题和上报街道的报表中。以后可以在“设置”中修改。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.profile = ProfileFields(db)
        self.edits = self.profile.edits
        layout.addWidget(self.profile)
        self.demo = QCheckBox("载入示例数据（先试用一下，示例居民区的信息会替换上面填写的内容）")
        self.demo.toggled.connect(self._demo_chosen)
        layout.addWidget(self.demo)
        layout.addWidget(ok_cancel(self, "开始使用", "退出"))
        self.resize(520, self.sizeHint().height())

    def _demo_chosen(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(not on)

    def accept(self) -> None:
        if self.demo.isChecked():
            from desktop_app.core.exchange.demo import fill_demo  # only for someone trying the program

            if not attempt(self, lambda: fill_demo(self.db, "small")).ok:
                return
        elif not self.profile.save():
            return
        super().accept()
