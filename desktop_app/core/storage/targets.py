"""Files the program is told to write or read, checked before any work starts, and operating-system
failures in plain Chinese (by errno, never the system's English text)."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

from desktop_app.core.domain.errors import AppError

# What an errno means to a person; anything else is told with its number for support.
_OS_FAILURES = {
    errno.ENOENT: "找不到",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已有同名的文件",
    errno.EACCES: "没有访问权限（可能是只读的位置）",
    errno.EPERM: "操作不被允许（可能是只读或被保护的位置）",
    errno.EROFS: "位置是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EBUSY: "正被其他程序使用",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EINVAL: "文件名中有不允许的字符",
}


def os_failure(exc: OSError, doing: str = "读写") -> AppError:
    """An OSError as the person should read it: what, where, why."""
    where = exc.filename or ""
    why = _OS_FAILURES.get(exc.errno or 0, f"系统错误 {exc.errno}")
    return AppError(f"无法{doing}“{where}”：{why}。" if where else f"无法{doing}：{why}。")


def output_file(path: Path, suffixes: tuple[str, ...], what: str) -> Path:
    """A file about to be written: the right kind of name, in a folder that exists, not a folder itself."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise AppError(f"{what}的文件名应以 {' 或 '.join(suffixes)} 结尾：{path.name or path}")
    if path.is_dir():
        raise AppError(f"“{path}”是一个文件夹，请给出要保存的文件名。")
    folder = path.parent
    if not folder.exists():
        raise AppError(f"保存位置不存在：{folder}")
    if not folder.is_dir():
        raise AppError(f"保存位置不是文件夹：{folder}")
    try:  # the one sure test of a read-only, protected or full place: write there
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        exc.filename = exc.filename or str(folder)
        raise os_failure(exc, "写入") from exc
    return path


def input_file(path: Path, what: str) -> Path:
    """A file about to be read: there, a file, readable."""
    path = Path(path)
    if not path.exists():
        raise AppError(f"找不到{what}：{path}")
    if path.is_dir():
        raise AppError(f"“{path}”是一个文件夹，请给出{what}。")
    if not os.access(path, os.R_OK):
        raise AppError(f"没有读取{what}的权限：{path}")
    return path


# Files being written live here, beside their target, until they are whole: a person browsing the folder
# sees no half-written report, on Windows too (where a leading dot hides nothing and a hidden *file*
# cannot be rewritten by an ordinary open), and the rename into place stays on the same disk.
WRITING_DIRNAME = ".书记工作台-正在写入"
_FILE_ATTRIBUTE_HIDDEN = 0x2


def hide(path: Path) -> None:
    """Hidden in Explorer; on other systems the leading dot of the name already hides it."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(path), _FILE_ATTRIBUTE_HIDDEN)


PARTIAL_SUFFIX = ".partial"


def partial_path(target: Path) -> Path:
    """Where `target` is written before it is whole: named with the writing process, so that what a killed
    process left can be told from what another program is writing right now."""
    return target.parent / WRITING_DIRNAME / f"{target.name}.{os.getpid()}{PARTIAL_SUFFIX}"


def process_running(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        synchronize, wait_timeout = 0x00100000, 0x102
        handle = ctypes.windll.kernel32.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            return bool(ctypes.windll.kernel32.WaitForSingleObject(handle, 0) == wait_timeout)
        finally:
            ctypes.windll.kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_left_partials(folder: Path) -> None:
    """Partial files a killed write left in the hidden folder: their process is gone (or, from an earlier
    version, they carry no process at all). Our own, never a person's file."""
    writing = folder / WRITING_DIRNAME
    if not writing.is_dir():
        return
    for leftover in writing.glob(f"*{PARTIAL_SUFFIX}"):
        writer = leftover.name.removesuffix(PARTIAL_SUFFIX).rpartition(".")[2]
        if writer.isdigit() and (int(writer) == os.getpid() or process_running(int(writer))):
            continue
        with suppress(OSError):
            leftover.unlink()


def begin_partial(target: Path) -> Path:
    """The partial file made, empty, in its hidden folder, after what killed writes left there is removed.
    Made at once, so that another write finishing meanwhile does not remove the folder."""
    partial = partial_path(target)
    remove_left_partials(target.parent)
    for _ in range(3):  # another write may remove the folder between the two steps
        partial.parent.mkdir(exist_ok=True)
        hide(partial.parent)
        try:
            partial.write_bytes(b"")
        except FileNotFoundError:
            continue
        return partial
    raise os_failure(FileNotFoundError(errno.ENOENT, "", str(partial.parent)), "写入")


def put_in_place(partial: Path, target: Path) -> None:
    os.replace(partial, target)
    discard(partial)


def discard(partial: Path) -> None:
    """The unfinished file goes, and its folder once nothing else is being written there."""
    partial.unlink(missing_ok=True)
    with suppress(OSError):
        partial.parent.rmdir()
