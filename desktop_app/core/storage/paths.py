"""Where the data lives. Chosen at start-up, never at import time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "DESKTOP_APP_DATA_DIR"
DATABASE_FILENAME = "shuji.sqlite3"
# Shared mode: the server this PC signs in to at start (address and CA file; never a password).
SERVER_CONNECTION_FILENAME = "server-connection.json"
BACKUP_DIRNAME = "backups"
ATTACHMENT_DIRNAME = "attachments"
LOG_DIRNAME = "logs"
# The data key, wrapped by the password and by the recovery key (storage.keys).
KEYS_FILENAME = "keys.json"


def keys_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_FILENAME


def has_keys(data_dir: Path) -> bool:
    """Whether the data is keyed (asked for its password), known before storage.keys and its hashing load."""
    return keys_path(data_dir).is_file()


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("desktop_app", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir` wins, then $DESKTOP_APP_DATA_DIR, then the per-user data directory.

    An empty `--data-dir ""` is refused: taking it for "not given" silently opened the real data.
    """
    if explicit is not None:
        if not str(explicit).strip():
            from desktop_app.core.domain.errors import AppError

            raise AppError("数据目录不能是空的。请给出数据目录，或不写 --data-dir 以使用默认位置。")
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default_data_dir()


NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "davfs",
    "fuse.davfs2",
}


def is_network_path(path: Path) -> bool:
    """A folder on a network drive (UNC or mapped drive on Windows, NFS/SMB mount on Linux)."""
    path = Path(path)
    if sys.platform == "win32":
        text = str(path)
        if text.startswith(("\\\\", "//")):
            return True
        import ctypes

        drive_remote = 4
        root = path.anchor or text[:3]
        return bool(root) and ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    # The mount the path lies on is the longest mount point that contains it.
    containing = [
        (len(parts[1]), parts[2])
        for parts in (line.split() for line in mounts)
        if len(parts) >= 3 and (resolved == parts[1] or resolved.startswith(parts[1].rstrip("/") + "/"))
    ]
    return bool(containing) and max(containing)[1] in NETWORK_FILESYSTEMS


NETWORK_WARNING = (
    "数据目录位于网络驱动器上，不建议这样使用：网络中断或多人同时打开时，数据文件可能损坏，速度也会变慢。"
    "请把数据目录放在本机硬盘上，需要共享时用“备份到其他位置”传递。"
)
