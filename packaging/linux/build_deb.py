"""Wrap the PyInstaller bundle (dist/desktop-app) in a .deb for Debian-based desktops.

Installs under /opt/desktop-app (as WPS and other vendors' bundles do), with /usr/bin/desktop-app (the launcher:
refuses an older C library in Chinese, picks the input method's protocol), a menu entry named 书记工作台 and its
icon. `Depends` names what the bundle expects from the desktop: every library its files need that it does not
carry, by the package that holds it on the build host, and libc6 at the version the glibc check measured.
Standard library only.
"""

from __future__ import annotations

import email.utils
import gzip
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "shuji-workbench"
INSTALL_DIR = "/opt/desktop-app"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))
from audit import elf_files, glibc_need, is_shared_library, needed, version_text  # noqa: E402

from dev import debian_package  # noqa: E402

# Besides the libraries: a CJK font so Chinese shows.
FONTS = "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei"
MAINTAINER = "书记工作台开发组 <maintainers@users.noreply.r-seed-193e882e.example>"
# The systems a person may have, with their C library's version: the launcher and the README name those the
# bundle's glibc floor admits.
KNOWN_SYSTEMS = (
    ("统信 UOS 20", (2, 28)),
    ("麒麟 V10", (2, 31)),
    ("Debian 10", (2, 28)),
    ("Debian 11", (2, 31)),
    ("Debian 12", (2, 36)),
    ("Ubuntu 20.04", (2, 31)),
    ("Ubuntu 22.04", (2, 35)),
    ("Ubuntu 24.04", (2, 39)),
    ("deepin 23", (2, 38)),
)

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=书记工作台
Name[zh_CN]=书记工作台
GenericName=居民区党总支书记工作台账
Comment=关怀记录、学习考察、三会一课与书记工作室台账
Exec=/usr/bin/desktop-app
Icon=desktop-app
Terminal=false
Categories=Office;
StartupWMClass=desktop-app
"""

CONTROL = """Package: {package}
Version: {version}
Section: misc
Priority: optional
Architecture: {arch}
Maintainer: {maintainer}
Depends: {depends}
Installed-Size: {size_kb}
Description: workbench for residential-community Party-branch secretaries
 书记工作台：六维关怀记录、跟着先进学先进（学习考察）、三会一课会议记录、
 书记工作室与党费台账。数据加密保存在本机，可导出上报街道的 Excel 报表。
"""


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def supported_systems(floor: tuple[int, ...]) -> str:
    return "、".join(name for name, glibc in KNOWN_SYSTEMS if glibc >= floor)


def packages_of(libraries: set[str]) -> set[str]:
    """The Debian packages that hold these libraries on the build host (dpkg -S), else the names their sonames
    imply."""
    found = subprocess.run(
        ["dpkg", "-S", *(f"*/{library}" for library in sorted(libraries))], capture_output=True, text=True
    ).stdout
    holder = {}
    for line in found.splitlines():
        package, _, path = line.partition(": ")
        holder[Path(path).name] = package.split(":")[0]  # libc6:amd64 -> libc6
    return {holder.get(library) or debian_package(library) for library in libraries}


def depends(bundle: Path, glibc: tuple[int, ...]) -> str:
    """What the bundle expects from the desktop: each library its files need and it does not carry."""
    carried = {path.name for path in bundle.rglob("*") if is_shared_library(path)}
    wanted = set().union(*(needed(path) for path in elf_files(bundle))) - carried
    packages = packages_of(wanted) - {"libc6"}
    return ", ".join([f"libc6 (>= {version_text(glibc)})", *sorted(packages), FONTS])


def launcher(glibc: tuple[int, ...]) -> str:
    text = (ROOT / "packaging" / "linux" / "desktop-app.sh").read_text(encoding="utf-8")
    for placeholder, value in (
        ("@GLIBC_FLOOR@", version_text(glibc)),
        ("@INSTALL_DIR@", INSTALL_DIR),
        ("@SUPPORTED_SYSTEMS@", supported_systems(glibc)),
    ):
        text = text.replace(placeholder, value)
    return text


COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: shuji-workbench
Comment: 书记工作台 and, under /opt/desktop-app/_internal, the Python interpreter and the libraries it runs on,
 each under its own licence (each wheel's licence file is kept beside it in its .dist-info folder).

Files: *
Copyright: 2024-2026 书记工作台开发组
License: proprietary
 All rights reserved.

Files: opt/desktop-app/_internal/PySide6/* opt/desktop-app/_internal/shiboken6/*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3
 On Debian systems, the full text of the GNU Lesser General Public License version 3 can be found in
 /usr/share/common-licenses/LGPL-3. Qt's libraries are loaded as shared libraries and may be replaced.

Files: opt/desktop-app/_internal/libpython* opt/desktop-app/_internal/python3*
Copyright: Python Software Foundation
License: PSF-2.0
 Python Software Foundation License Version 2, https://docs.python.org/3/license.html

Files: opt/desktop-app/_internal/libssl* opt/desktop-app/_internal/libcrypto*
 opt/desktop-app/_internal/cryptography/*
Copyright: The OpenSSL Project Authors; The cryptography developers
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 can be found in
 /usr/share/common-licenses/Apache-2.0.
"""

OVERRIDES = """# A vendor's own bundle under /opt, as WPS and others ship: the three tags this layout implies.
shuji-workbench: dir-or-file-in-opt [opt/desktop-app/*]
# The Python interpreter and the wheels' libraries are the versions the program was tested with, not Debian's.
shuji-workbench: embedded-library *
# PyInstaller's bootloader and Qt's wheels find their own libraries inside the bundle through RUNPATH.
shuji-workbench: custom-library-search-path *
# Python's own extension modules that call no C library function; the interpreter that loads them links libc.
shuji-workbench: library-not-linked-against-libc [opt/desktop-app/_internal/python3*/lib-dynload/*]
"""


def changelog(when: str) -> bytes:
    text = f"""{PACKAGE} ({version()}) stable; urgency=medium

  * 书记工作台 {version()}: see the README's 打包与安装 for what this build carries.

 -- {MAINTAINER}  {when}
"""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def set_modes(root: Path) -> None:
    """What dpkg installs: executables 0755 (ELF programs and scripts), everything else (libraries too) 0644."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
            continue
        with path.open("rb") as handle:
            head = handle.read(4)
        program = (head == b"\x7fELF" and not is_shared_library(path)) or head[:2] == b"#!"
        path.chmod(0o755 if program else 0o644)


def build_deb(bundle: Path, out_dir: Path) -> Path:
    if not (bundle / "desktop-app").exists():
        sys.exit(f"找不到程序包：{bundle}（请先运行 python3 dev.py build）")
    glibc = glibc_need(bundle).version
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        target = root / INSTALL_DIR.lstrip("/")
        shutil.copytree(bundle, target, symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "desktop-app").write_text(launcher(glibc), "utf-8")
        applications = root / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        (applications / "desktop-app.desktop").write_text(DESKTOP_ENTRY, "utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
        icons.mkdir(parents=True)
        shutil.copyfile(ROOT / "resources" / "icons" / "app.png", icons / "desktop-app.png")
        docs = root / "usr" / "share" / "doc" / PACKAGE
        docs.mkdir(parents=True)
        (docs / "copyright").write_text(COPYRIGHT, "utf-8")
        (docs / "changelog.gz").write_bytes(changelog(email.utils.formatdate(localtime=False)))
        overrides = root / "usr" / "share" / "lintian" / "overrides"
        overrides.mkdir(parents=True)
        (overrides / PACKAGE).write_text(OVERRIDES, "utf-8")
        set_modes(root)
        size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(
            CONTROL.format(
                package=PACKAGE,
                version=version(),
                arch=architecture(),
                maintainer=MAINTAINER,
                size_kb=size_kb,
                depends=depends(bundle, glibc),
            ),
            "utf-8",
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        deb = out_dir / f"{PACKAGE}_{version()}_{architecture()}.deb"
        subprocess.run(
            ["dpkg-deb", "--build", "--root-owner-group", "-Zxz", str(root), str(deb)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"[打包] 安装后大小 {size_kb / 1024:.1f} MB，需要 glibc {version_text(glibc)}：{deb}", flush=True)
    return deb


if __name__ == "__main__":
    build_deb(ROOT / "dist" / "desktop-app", ROOT / "dist")
