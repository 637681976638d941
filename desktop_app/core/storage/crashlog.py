"""A crash leaves a trace: Python's faulthandler writes native crashes (a segfault in Qt) to
logs/crash.log, and a marker file tells the next start that the program did not end normally."""

from __future__ import annotations

import faulthandler
import time
from pathlib import Path
from typing import IO

CRASH_LOG = "crash.log"
RUNNING_MARKER = "running.marker"


class CrashRecorder:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.crash_log = log_dir / CRASH_LOG
        self.marker = log_dir / RUNNING_MARKER
        self._file: IO[str] | None = None

    def start(self) -> str | None:
        """Arm the recorder; returns a message for the person if the last run stopped unexpectedly."""
        message = self._last_run_message()
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self._file = self.crash_log.open("a", encoding="utf-8")
            self._file.write(f"\n== 启动 {_now()} ==\n")
            self._file.flush()
            faulthandler.enable(self._file, all_threads=True)
            self.marker.write_text(_now(), encoding="utf-8")
        except OSError:
            # A read-only or full disk must not stop the program; crashes then go unrecorded.
            self._file = None
        return message

    def stop(self) -> None:
        """A normal end: disarm, and say so to the next start."""
        if self._file is not None:
            faulthandler.disable()
            self._file.close()
            self._file = None
            self.marker.unlink(missing_ok=True)

    def _last_run_message(self) -> str | None:
        try:
            started = self.marker.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return (
            f"书记工作台上次（{started} 启动的那次）没有正常退出，可能是程序出错或电脑突然断电。"
            "已保存的数据不受影响，请检查最后录入的内容是否都在。\n\n"
            f"如果再次发生，请把这个文件发给技术支持人员：{self.crash_log}"
        )


def _now() -> str:
    """The local time to the second. Not datetime: armed before the first window, it would import it (1–2 ms)."""
    return time.strftime("%Y-%m-%d %H:%M:%S")
