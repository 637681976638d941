"""Build the Linux bundle and the .deb, install it into a temporary root, run its self-test.

Marked `packaging` (and `slow`, as every end-to-end test): it runs in `python3 dev.py test --all` whenever
the build tools are here (PyInstaller from the build extra that command installs, dpkg-deb from Debian),
and is skipped, saying which tool is missing, otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_BUDGET_MB = 190  # measured 179 MB (PySide6 6.11, Python 3.11, stripped; SQLCipher 8 MB, cryptography 12 MB)

pytestmark = pytest.mark.packaging


def missing_tools() -> str:
    if not sys.platform.startswith("linux"):
        return "the .deb is built on Linux only"
    if importlib.util.find_spec("PyInstaller") is None:
        return "PyInstaller is not installed"
    for tool in ("dpkg-deb", "dpkg"):
        if shutil.which(tool) is None:
            return f"{tool} is not available"
    return ""


@pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "build tools present")
def test_deb_installs_and_passes_its_self_test(tmp_path):
    started = time.perf_counter()
    dist, work = tmp_path / "dist", tmp_path / "build"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "desktop_app.spec"),
        ],
        cwd=ROOT,
        check=True,
    )
    bundle = dist / "desktop-app"
    # On disk: PyInstaller links some Qt libraries from the top folder; a link is not counted twice.
    size_mb = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()) / 1024 / 1024
    assert size_mb < BUNDLE_BUDGET_MB, f"bundle is {size_mb:.0f} MB"

    sys.path.insert(0, str(ROOT / "packaging" / "linux"))
    try:
        from build_deb import build_deb
    finally:
        sys.path.pop(0)
    deb = build_deb(bundle, dist)
    fields = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Depends: libxcb-cursor0" in fields
    assert "fonts-noto-cjk" in fields

    root = tmp_path / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    desktop_entry = (root / "usr/share/applications/desktop-app.desktop").read_text(encoding="utf-8")
    assert "Name=书记工作台" in desktop_entry
    assert (root / "usr/share/icons/hicolor/256x256/apps/desktop-app.png").exists()
    executable = root / "opt/desktop-app/desktop-app"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    result = subprocess.run([str(executable), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("自检通过")
    version = subprocess.run([str(executable), "--version"], capture_output=True, text=True, env=env, check=True)
    assert "书记工作台" in version.stdout
    print(
        f"bundle {size_mb:.0f} MB, deb {deb.stat().st_size / 1024 / 1024:.0f} MB, "
        f"built and tested in {time.perf_counter() - started:.0f} s"
    )
