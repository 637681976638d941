import os
import subprocess
import sys
import textwrap

import pytest

from desktop_app.core.domain.errors import AlreadyRunningError
from desktop_app.core.storage.lock import InstanceLock


def test_second_instance_is_refused_with_the_owner_named(tmp_path):
    # The first instance is a real other process holding the lock.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from desktop_app.core.storage.lock import InstanceLock
            lock = InstanceLock({str(tmp_path)!r}); lock.acquire()
            print("locked", flush=True); sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunningError, match=f"pid={holder.pid}"):
            InstanceLock(tmp_path).acquire()
    finally:
        holder.communicate("")
    # Once that process has ended, the lock is free again.
    with InstanceLock(tmp_path) as lock:
        assert lock.held


def test_stale_lock_file_from_a_crash_is_recovered(tmp_path):
    (tmp_path / "app.lock").write_text(" pid=999999 host=crashed-pc")
    lock = InstanceLock(tmp_path)
    lock.acquire()
    assert lock.held
    assert f"pid={os.getpid()}" in (tmp_path / "app.lock").read_text()
    lock.release()
    assert not lock.held


def test_two_locks_in_one_process_also_conflict(tmp_path):
    with InstanceLock(tmp_path), pytest.raises(AlreadyRunningError, match="已在运行"):
        InstanceLock(tmp_path).acquire()
