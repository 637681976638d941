"""The baseline for cold start and memory: a bare PySide6 script that shows an empty QMainWindow."""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from benchmarks.memory import peak_kb

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
app.processEvents()
print("shown", flush=True)
print(f"peak_kb={peak_kb()}", flush=True)
