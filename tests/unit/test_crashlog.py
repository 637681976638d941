import subprocess
import sys

from desktop_app.core.storage.crashlog import CrashRecorder

CRASHING_RUN = """
import faulthandler, sys
from pathlib import Path
from desktop_app.core.storage.crashlog import CrashRecorder
CrashRecorder(Path(sys.argv[1])).start()
faulthandler._sigsegv()  # what a crash inside Qt does to the process
"""


def test_a_native_crash_is_logged_and_told_at_the_next_start(tmp_path):
    logs = tmp_path / "logs"
    run = subprocess.run([sys.executable, "-c", CRASHING_RUN, str(logs)], capture_output=True, timeout=60)
    assert run.returncode != 0
    crash_log = (logs / "crash.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in crash_log
    assert "_sigsegv" in crash_log or "File" in crash_log, "the stack of the crash is in the log"
    recorder = CrashRecorder(logs)
    message = recorder.start()
    assert message is not None
    assert "没有正常退出" in message
    assert str(logs / "crash.log") in message
    recorder.stop()
    again = CrashRecorder(logs)
    assert again.start() is None, "after a normal end nothing is said"
    again.stop()


def test_an_unwritable_log_folder_does_not_stop_the_program(tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the folder should be")
    recorder = CrashRecorder(blocker)
    assert recorder.start() is None
    recorder.stop()
