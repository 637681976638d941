"""The mouse wheel over a field without the cursor scrolls the page; it never changes the value (issue 27, item 8)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSpinBox, QWidget

from desktop_app.ui.views.records import MeetingView
from desktop_app.ui.views.settings import SettingsView


def wheel_down(widget, notches=1):
    """The wheel turned towards the person over the middle of `widget`, as the mouse sends it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def shown(qtbot, widget, size=(1280, 700)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def test_the_wheel_over_settings_fields_scrolls_the_page_and_changes_nothing(qtbot, context):
    settings = shown(qtbot, SettingsView(context))
    page = settings.findChild(QScrollArea)
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0, "设置 is longer than the window"
    spin = next(s for s in page.findChildren(QSpinBox) if s.isVisible() and s.value() < s.maximum())
    combo = next(c for c in page.findChildren(QComboBox) if c.isVisible() and c.currentIndex() < c.count() - 1)
    spin_value, combo_index = spin.value(), combo.currentIndex()
    before = bar.value()
    wheel_down(spin)
    wheel_down(combo)
    assert spin.value() == spin_value
    assert combo.currentIndex() == combo_index
    assert bar.value() > before, "the page scrolled instead"
    assert not spin.hasFocus()

    # A field the person clicked into is theirs: there the wheel changes the value.
    qtbot.mouseClick(spin.lineEdit(), Qt.MouseButton.LeftButton)
    assert spin.hasFocus()
    value = spin.value()
    wheel_down(spin)
    assert spin.value() != value


def test_the_wheel_over_a_forms_drop_down_scrolls_the_form(qtbot, context):
    view = MeetingView(context)
    qtbot.addWidget(view)
    form = shown(qtbot, view.open_form(), size=(900, 500))
    kind = form.editors["kind"].widget
    index = kind.currentIndex()
    form.editors["topic"].widget.setFocus()
    wheel_down(kind, 3)
    assert kind.currentIndex() == index
    assert form.scroll_area.verticalScrollBar().value() > 0


def test_fields_made_before_the_rules_are_installed_follow_them_too(qtbot, app):
    """The program's start installs the rules once the 工作台 is shown (the filter sees every event):
    what was made before takes them then."""
    from PySide6.QtWidgets import QTableView

    from desktop_app.ui.kit.input_rules import InputRules, install_input_rules

    installed = app.findChild(InputRules)
    app.removeEventFilter(installed)
    installed.setParent(None)
    installed.deleteLater()
    field, table = QSpinBox(), QTableView()
    qtbot.addWidget(field)
    qtbot.addWidget(table)
    window = QWidget()  # fields inside a window, not only windows of their own
    qtbot.addWidget(window)
    inner_field, inner_table = QSpinBox(QWidget(window)), QTableView(window)
    assert field.focusPolicy() == Qt.FocusPolicy.WheelFocus
    install_input_rules(app)
    assert field.focusPolicy() == inner_field.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert not table.tabKeyNavigation()
    assert not inner_table.tabKeyNavigation()
    assert isinstance(app.findChild(InputRules), InputRules)
