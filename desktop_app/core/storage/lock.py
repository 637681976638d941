"""One running instance per data directory.

The lock is an OS file lock on `app.lock`, so a crashed process releases it with
its file handles: a lock file left behind by a crash is simply locked again.
The file holds the owner's pid and host only to tell the user who has it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_app.core.domain.errors import AlreadyRunningError

LOCK_FILENAME = "app.lock"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            owner = self._read_owner(fd)
            os.close(fd)
            raise AlreadyRunningError(
                f"书记工作台已在运行（{owner}），同一数据目录只能打开一个程序。"
                f"请先关闭正在运行的程序。数据目录：{self.path.parent}"
            )
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        # Windows locks byte 0, so the owner text starts after it.
        os.write(fd, f" pid={os.getpid()} host={_host_name()}".encode())
        os.fsync(fd)
        self._fd = fd

    @staticmethod
    def _read_owner(fd: int) -> str:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            text = os.read(fd, 200).decode("utf-8", "replace").strip()
        except OSError:
            text = ""
        return f"进程 {text}" if text else "另一个进程"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _host_name() -> str:
    """This computer's name, without importing socket (a few ms before the first window)."""
    return os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
