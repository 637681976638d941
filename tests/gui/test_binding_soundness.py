"""The Qt binding must keep Python's reference counts straight on the calls the program makes.

PySide6 6.12.0 loses a reference to None on many of them (a void call like QTableWidget.setItem,
a lookup that finds nothing like QTableWidget.item); after a few thousand the interpreter aborts
("deallocating None"), e.g. while an import preview fills its table. pyproject.toml keeps that
version out; this test fails, rather than the program aborting later, if such a version comes back.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QButtonGroup, QComboBox, QRadioButton, QTableWidget, QTableWidgetItem

CALLS = 1000  # well below the ~4,000 references None has at start: a faulty binding shows, not aborts


def none_references_lost(call) -> int:
    # Garbage left by earlier tests must not be collected mid-count: it holds references to None too.
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            call()
        return before - sys.getrefcount(None)
    finally:
        gc.enable()


def test_calls_the_program_makes_keep_none_alive(qapp):
    table, choices, buttons = QTableWidget(2, 2), QComboBox(), QButtonGroup()
    calls = {
        "QTableWidget.setItem": lambda: table.setItem(0, 0, QTableWidgetItem("甲")),
        "QTableWidget.item (empty cell)": lambda: table.item(1, 1),
        "QComboBox.addItem": lambda: choices.addItem("乙", 1),
        "QButtonGroup.addButton": lambda: buttons.addButton(QRadioButton("丙")),
    }
    # A sound binding may leave a reference or two in caches; the fault loses one per call.
    lost = {name: none_references_lost(call) for name, call in calls.items()}
    assert all(count < CALLS // 10 for count in lost.values()), lost
