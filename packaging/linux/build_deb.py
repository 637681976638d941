"""Wrap the PyInstaller bundle (dist/desktop-app) in a .deb for Debian-based desktops (UOS, Kylin).

Installs under /opt/desktop-app, with a menu entry named 书记工作台 and its icon. Standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "shuji-workbench"
INSTALL_DIR = "/opt/desktop-app"
# Qt's X11 platform plugin needs these at run time; a CJK font so Chinese shows.
DEPENDS = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei",
)

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=书记工作台
Name[zh_CN]=书记工作台
GenericName=居民区党总支书记工作台账
Comment=关怀记录、学习考察、三会一课与书记工作室台账
Exec={install_dir}/desktop-app
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
Maintainer: 书记工作台开发组 <noreply@localhost>
Depends: {depends}
Installed-Size: {size_kb}
Description: 书记工作台 — 居民区党总支书记的工作台账
 六维关怀记录、跟着先进学先进（学习考察）、三会一课会议记录、书记工作室，
 数据保存在本机，可导出上报街道的 Excel 报表。
"""


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def build_deb(bundle: Path, out_dir: Path) -> Path:
    if not (bundle / "desktop-app").exists():
        sys.exit(f"找不到程序包：{bundle}（请先运行 python3 dev.py build）")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        target = root / INSTALL_DIR.lstrip("/")
        shutil.copytree(bundle, target, symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        os.symlink(f"{INSTALL_DIR}/desktop-app", root / "usr" / "bin" / "desktop-app")
        applications = root / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        (applications / "desktop-app.desktop").write_text(DESKTOP_ENTRY.format(install_dir=INSTALL_DIR), "utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
        icons.mkdir(parents=True)
        shutil.copyfile(ROOT / "resources" / "icons" / "app.png", icons / "desktop-app.png")
        size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(
            CONTROL.format(
                package=PACKAGE, version=version(), arch=architecture(), size_kb=size_kb, depends=", ".join(DEPENDS)
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
    return deb


if __name__ == "__main__":
    print(build_deb(ROOT / "dist" / "desktop-app", ROOT / "dist"))
