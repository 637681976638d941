"""Open the real main window on a data directory, show every view once, scroll the whole care ledger to
its end (every row filled), report peak memory."""

import sys

from benchmarks.memory import peak_kb
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.shell.app import create_application
from desktop_app.ui.shell.main_window import VIEWS, MainWindow, view_index
from desktop_app.ui.views.records import CareView

app = create_application()
db = open_database(sys.argv[1])
window = MainWindow(AppContext.open(db))
window.show()
for index in range(len(VIEWS)):
    window.nav.setCurrentRow(index)
    app.processEvents()
window.nav.setCurrentRow(view_index(CareView))
app.processEvents()
care = window.stack.currentWidget()
assert isinstance(care, CareView)
while BackgroundTask.any_running():  # the rest of the ledger's ids, read behind its first rows
    app.processEvents()
app.processEvents()  # the scroll bar laid out again for them
bar = care.table.verticalScrollBar()
assert bar.maximum() + bar.pageStep() >= care.model.rowCount(), "the whole ledger is scrolled"
for value in range(0, bar.maximum() + bar.pageStep(), max(bar.pageStep(), 1)):
    bar.setValue(value)
    care.table.viewport().repaint()
print(f"peak_kb={peak_kb()}", flush=True)
window.close()
db.dispose()
