"""The build's checks of the one-folder bundle, each a step that fails the build (standard library only).

- size: the installed size, against a budget that is met, not raised;
- glibc: the highest `GLIBC_` symbol version any ELF file in the bundle needs (`objdump -T`), against the
  stated system floor; the .deb's `Depends: libc6 (>= …)` and the launcher's refusal use the same number;
- libraries: every shared library in the bundle came from a wheel, or is one the interpreter itself needs
  (the commented allow-list below). Everything else is the desktop's, and named in the .deb's `Depends`.

The PyInstaller spec runs all three right after it writes the bundle, so `python3 dev.py build` and the
packaging test fail on the same things.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SIZE_BUDGET_MB = 150
# The floor the bundle is built for: glibc 2.28 (UOS 20, Debian 10; Kylin V10 has 2.31) when the interpreter running
# the build was compiled for it (`dev.py build --old-glibc`, packaging/linux/old_glibc_python.sh, which sets
# DESKTOP_APP_GLIBC_FLOOR); otherwise the build host's interpreter (its libpython, lib-dynload and the system's
# libssl/libsqlite3) sets it: 2.35 on Debian 12. See README, 打包与安装.
DEFAULT_GLIBC_FLOOR = "2.35"
GLIBC_FLOOR = tuple(int(part) for part in os.environ.get("DESKTOP_APP_GLIBC_FLOOR", DEFAULT_GLIBC_FLOOR).split("."))

# What the interpreter itself needs and no wheel carries: found beside the interpreter or in the system's
# library folders, and bundled because the program cannot start without them.
INTERPRETER_LIBRARIES = (
    "libpython3*.so*",  # the interpreter
    "lib-dynload/*.so",  # its standard-library extension modules
    "libssl.so.*",  # _ssl, and _hashlib for hashlib.scrypt (the data key's derivation)
    "libcrypto.so.*",
    "libsqlite3.so.*",  # sqlite3: the cipher check and SQLAlchemy's pysqlite dialect
    "libffi.so.*",  # ctypes
    "libz.so.*",  # zlib: zip backups, xlsx files
    "libbz2.so.*",  # bz2
    "liblzma.so.*",  # lzma
    "libmpdec.so.*",  # decimal: money is Decimal
    "libuuid.so.*",  # uuid
)
# Not bundled although the interpreter or the wheels load them: libc's own libraries, and libstdc++, libgcc_s and
# libexpat, which every desktop has in a version at least as new as the wheels were built against (bundling the
# build host's would raise the glibc floor: Debian 12's libstdc++ needs 2.36). The .deb's Depends names them.

# Folders of the build host's system libraries: nothing from here goes in the bundle unless the interpreter
# needs it (above); the rest is the desktop's.
SYSTEM_LIBRARY_FOLDERS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")

ELF_MAGIC = b"\x7fELF"
GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")
# The C++ library the wheels (Qt, shiboken) take from the desktop: printed beside the glibc floor. Debian 10 and
# UOS 20 (GCC 8's libstdc++) have up to GLIBCXX_3.4.25: nothing in the bundle may need more.
GLIBCXX_VERSION = re.compile(r"\bGLIBCXX_(\d+)\.(\d+)(?:\.(\d+))?\b")
GLIBCXX_FLOOR = (3, 4, 25)


class AuditFailed(SystemExit):
    """A check failed: the message says which and why, in Chinese, and the build stops."""


@dataclass(frozen=True)
class GlibcNeed:
    version: tuple[int, ...]
    files: tuple[str, ...]  # the bundle's files that need exactly this version


def version_text(version: Iterable[int]) -> str:
    return ".".join(str(part) for part in version)


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def is_shared_library(path: Path) -> bool:
    return path.name.endswith(".so") or ".so." in path.name


def installed_size_mb(root: Path) -> float:
    """On disk, as dpkg counts it: a symbolic link is not counted twice."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) / 1024 / 1024


def highest_need(bundle: Path, pattern: re.Pattern[str] = GLIBC_VERSION) -> GlibcNeed:
    """The highest symbol version of one kind (`pattern`: GLIBC_ by default) any ELF file in the bundle needs."""
    highest: tuple[int, ...] = (0,)
    files: list[str] = []
    for path in elf_files(bundle):
        symbols = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=True).stdout
        versions = [tuple(int(part) for part in match.groups() if part) for match in pattern.finditer(symbols)]
        if not versions:
            continue
        need = max(versions)
        relative = str(path.relative_to(bundle))
        if need > highest:
            highest, files = need, [relative]
        elif need == highest:
            files.append(relative)
    return GlibcNeed(highest, tuple(files))


def glibc_need(bundle: Path) -> GlibcNeed:
    return highest_need(bundle, GLIBC_VERSION)


def versioned_symbols(path: Path, undefined: bool) -> set[tuple[str, str]]:
    """(name, GLIBC_ version) of the dynamic symbols a file takes from elsewhere (`undefined`) or defines."""
    found = set()
    for line in subprocess.run(
        ["objdump", "-T", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        parts = line.split()
        if len(parts) < 4 or ("*UND*" in parts) != undefined:
            continue
        version = parts[-2].strip("()")
        if version.startswith("GLIBC_"):
            found.add((parts[-1], version))
    return found


def missing_from_glibc(bundle: Path, abi: Path) -> tuple[int, list[str]]:
    """Every versioned glibc symbol a bundled file takes from the system, looked up in the floor's own C library:
    `abi` holds zig's stub libraries for it (libc.so.6, libpthread.so.0, …, with exactly that release's symbols and
    versions). A stronger proof than the highest version alone: a symbol at an old version that release does not
    export would show here. Returns the number of references and `file: symbol@version` for each one missing."""
    exported = set().union(*(versioned_symbols(stub, undefined=False) for stub in abi.glob("*.so*")))
    references = 0
    missing = []
    for path in elf_files(bundle):
        for name, version in sorted(versioned_symbols(path, undefined=True)):
            references += 1
            if (name, version) not in exported:
                missing.append(f"{path.relative_to(bundle)}: {name}@{version}")
    return references, missing


def wheel_file_names() -> set[str]:
    """Names of the files the installed wheels put in site-packages (PyInstaller keeps a library's name)."""
    folders = {Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["platlib"])}
    return {path.name for folder in folders if folder.is_dir() for path in folder.rglob("*.so*")}


def interpreter_allows(path: str) -> bool:
    """`path`: a library's place in the bundle or on the build host."""
    name = Path(path).name
    return any(
        fnmatch.fnmatch(path, f"*/{pattern}") if "/" in pattern else fnmatch.fnmatch(name, pattern)
        for pattern in INTERPRETER_LIBRARIES
    )


def foreign_libraries(bundle: Path, from_wheels: set[str]) -> list[str]:
    """The bundle's shared libraries that came from neither a wheel nor the interpreter's allow-list."""
    foreign = []
    for path in elf_files(bundle):
        relative = path.relative_to(bundle).as_posix()
        if is_shared_library(path) and path.name not in from_wheels and not interpreter_allows(relative):
            foreign.append(relative)
    return foreign


def from_the_desktop(source: str) -> bool:
    """A library PyInstaller found in the build host's system folders that the desktop provides instead."""
    return source.startswith(SYSTEM_LIBRARY_FOLDERS) and not interpreter_allows(source)


def needed(path: Path) -> set[str]:
    """The libraries an ELF file names as NEEDED (what the loader must find for it)."""
    headers = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[1] for line in headers.splitlines() if line.strip().startswith("NEEDED")}


Entry = tuple[str, str, str]  # PyInstaller's (place in the bundle, source, type)


def loaded_by_name(entry: Entry) -> bool:
    """Found through NEEDED of another file (a plain library), not loaded for itself: Python's extension
    modules, Qt's plugins and the interpreter, which the bootloader loads, are the roots."""
    place = entry[0]
    name = Path(place).name
    return (
        name.startswith("lib")
        and is_shared_library(Path(name))
        and "plugins" not in Path(place).parts
        and "lib-dynload" not in Path(place).parts
        and not name.startswith("libpython")
    )


def used_only(binaries: list[Entry], datas: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Drop the plain libraries no root needs, directly or through another kept library (a plugin left out
    leaves its libraries behind: Qt's EGL-FS support, its network library), and the links to them."""
    libraries = {Path(entry[0]).name: entry for entry in binaries if loaded_by_name(entry)}
    waiting = [entry for entry in binaries if not loaded_by_name(entry) and entry[2] != "SYMLINK"]
    kept: set[str] = set()
    while waiting:
        for name in needed(Path(waiting.pop()[1])):
            if name in libraries and name not in kept:
                kept.add(name)
                waiting.append(libraries[name])

    def used(entry: Entry) -> bool:
        name = Path(entry[0]).name
        if entry[2] == "SYMLINK":
            return Path(entry[1]).name in kept or name in kept or name not in libraries
        return name not in libraries or name in kept

    return [entry for entry in binaries if used(entry)], [entry for entry in datas if used(entry)]


def check_bundle(bundle: Path) -> GlibcNeed:
    """All three checks, each printed; raises AuditFailed naming every failure."""
    failures = []
    size = installed_size_mb(bundle)
    print(f"[检查] 程序文件夹大小：{size:.1f} MB（上限 {SIZE_BUDGET_MB} MB）", flush=True)
    if size > SIZE_BUDGET_MB:
        failures.append(f"程序文件夹 {size:.1f} MB，超过上限 {SIZE_BUDGET_MB} MB")
    need = glibc_need(bundle)
    print(
        f"[检查] 需要的最高 glibc 版本：{version_text(need.version)}（下限 {version_text(GLIBC_FLOOR)}），"
        f"来自 {', '.join(need.files[:5])}{' 等' if len(need.files) > 5 else ''}",
        flush=True,
    )
    cxx = highest_need(bundle, GLIBCXX_VERSION)
    print(
        f"[检查] 需要的最高 libstdc++ 版本：GLIBCXX_{version_text(cxx.version)}"
        f"（Debian 10、统信 UOS 20 的是 {version_text(GLIBCXX_FLOOR)}）",
        flush=True,
    )
    if cxx.version > GLIBCXX_FLOOR:
        failures.append(
            f"有文件需要 GLIBCXX_{version_text(cxx.version)}，高于 {version_text(GLIBCXX_FLOOR)}："
            + "、".join(cxx.files)
        )
    if need.version > GLIBC_FLOOR:
        failures.append(
            f"有文件需要 glibc {version_text(need.version)}，高于声明的下限 {version_text(GLIBC_FLOOR)}："
            + "、".join(need.files)
        )
    abi = os.environ.get("DESKTOP_APP_GLIBC_ABI")  # dev.py build --old-glibc: the floor's symbol lists
    if abi:
        references, missing = missing_from_glibc(bundle, Path(abi))
        print(
            f"[检查] 逐个对照 glibc {version_text(GLIBC_FLOOR)} 导出的符号：引用 {references} 个，"
            f"缺少 {len(missing)} 个",
            flush=True,
        )
        if missing:
            failures.append(f"glibc {version_text(GLIBC_FLOOR)} 没有这些符号：" + "、".join(missing))
    libraries = [path for path in elf_files(bundle) if is_shared_library(path)]
    foreign = foreign_libraries(bundle, wheel_file_names())
    print(f"[检查] 共享库 {len(libraries)} 个，不是来自 wheel 也不在解释器清单中的：{len(foreign)} 个", flush=True)
    if foreign:
        failures.append("这些共享库既不是来自 wheel，也不是解释器所需：" + "、".join(foreign))
    if failures:
        raise AuditFailed("打包检查未通过：\n  " + "\n  ".join(failures))
    return need


if __name__ == "__main__":
    check_bundle(Path(sys.argv[1]))
