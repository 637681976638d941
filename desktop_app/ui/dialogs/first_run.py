"""First run: a community's copy or a street office's, the profile, and demo data for someone trying it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QDialog, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from desktop_app.core.domain.errors import EditConflictError
from desktop_app.core.storage.database import Database
from desktop_app.ui.kit.dialog_buttons import ok_cancel
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.profile_fields import ProfileFields


class FirstRunDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("欢迎使用书记工作台")
        layout = QVBoxLayout(self)
        uses = QHBoxLayout()
        uses.addWidget(QLabel("本程序用于："))
        self.community = QRadioButton("居民区（记录台账，向街道上报）")
        self.street = QRadioButton("街道（接收各居民区的数据包并汇总）")
        self.community.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.community, self.street):
            group.addButton(button)
            uses.addWidget(button)
        uses.addStretch(1)
        layout.addLayout(uses)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.profile = ProfileFields(db)
        self.edits = self.profile.edits
        layout.addWidget(self.profile)
        self.demo = QCheckBox("载入示例数据（先试用一下，示例居民区的信息会替换上面填写的内容）")
        self.demo.toggled.connect(self._demo_chosen)
        layout.addWidget(self.demo)
        layout.addStretch(1)  # what room is left goes below the fields, not between them
        layout.addWidget(ok_cancel(self, "开始使用", "退出"))
        self.street.toggled.connect(self._use_chosen)
        self._use_chosen(False)
        self.resize(560, self.sizeHint().height())
        # The cursor starts in the first field, as in every form: the radio buttons are one Shift+Tab away.
        next(iter(self.edits.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def _use_chosen(self, street: bool) -> None:
        self.intro.setText(
            "请填写本街道的名称，它会出现在窗口标题和汇总报表中。以后可以在“设置”中修改。"
            if street
            else "请先填写本居民区的基本信息，它们会出现在窗口标题和上报街道的报表中。以后可以在“设置”中修改。"
        )
        self.profile.use_for_street(street)
        self.demo.setVisible(not street)
        if street:
            self.demo.setChecked(False)
        layout = self.layout()
        if layout is not None:  # no gaps where the rows a street does not need were
            layout.activate()
            self.resize(self.width(), self.sizeHint().height())

    def _demo_chosen(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(not on)

    def _saved_meanwhile(self, conflict: EditConflictError) -> bool:
        """Someone else (at the same server) set the community's profile meanwhile: said, theirs shown to check."""
        report_failure(self, conflict)
        self.profile.reload()
        return False

    def accept(self) -> None:
        if self.demo.isChecked():
            from desktop_app.core.exchange.demo import fill_demo  # only for someone trying the program

            if not attempt(self, lambda: fill_demo(self.db, "small")).ok:
                return
        else:
            saved = attempt(self, self.profile.save, settle=self._saved_meanwhile)
            if not (saved.ok and saved.value):
                return
        if self.street.isChecked():
            from desktop_app.core.services.mode import ModeService

            name = self.edits["community_name"].text()
            if not attempt(self, lambda: ModeService(self.db).become_street(name)).ok:
                return
        super().accept()
