"""Two rules for the whole program, kept by one event filter on the application (installed once, at start):

- The mouse wheel over a spin box, drop-down or date field that does not have the cursor scrolls the page or
  list around it; it never changes the value. A person scrolling 设置 or a long form with the wheel would
  otherwise change a 频次, a 字号 or a year as the field passed under the pointer. Such fields no longer take
  the cursor from the wheel either (Qt's WheelFocus): a click or Tab gives it, and then the wheel changes them.
- Tab leaves a table: Qt's tables move Tab from cell to cell and round again, a trap for a person working
  by keys; the arrow keys move between cells.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QTableView, QWidget

# Fields whose value the wheel changes.
VALUE_FIELDS = (QAbstractSpinBox, QComboBox)


class InputRules(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            if isinstance(watched, VALUE_FIELDS) and not watched.hasFocus():
                scroll_around(watched, event)
                return True
        elif kind == QEvent.Type.Polish:
            follow_rules(watched)
        return False


def follow_rules(widget: QObject) -> None:
    """What a widget takes from the rules when it is made: no cursor from the wheel, no Tab trap."""
    if isinstance(widget, VALUE_FIELDS):
        # Qt's namespace only here: its import costs ~20 ms, and the first window has no such field.
        from PySide6.QtCore import Qt

        if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    elif isinstance(widget, QTableView):
        widget.setTabKeyNavigation(False)


def scroll_around(field: QWidget, event: QEvent) -> None:
    """Hand the wheel to the scroll bar of the nearest scrolling page or list around the field."""
    area = field.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        return
    vertical = getattr(event, "angleDelta", None)
    sideways = vertical is not None and abs(vertical().x()) > abs(vertical().y())
    bar = area.horizontalScrollBar() if sideways else area.verticalScrollBar()
    QApplication.sendEvent(bar, event)


def install_input_rules(app: QApplication) -> InputRules:
    """Once per application (tests make it again and again). Widgets made before follow the rules at once: the
    program's start installs them only once the 工作台 is shown, since the filter sees every event (the first
    ones build Python types for each kind of object and event: about 35 ms, measured)."""
    found = app.findChild(InputRules)
    if isinstance(found, InputRules):
        return found
    rules = InputRules(app)
    app.installEventFilter(rules)
    # Only the widgets the rules are about, found by Qt: allWidgets() would give Python every widget of the window
    # (its menu bar, status bar, splitter handles …), building their types (about 5 ms at start).
    for top in app.topLevelWidgets():
        for kind in (*VALUE_FIELDS, QTableView):
            for widget in top.findChildren(kind):
                follow_rules(widget)
        follow_rules(top)
    return rules
