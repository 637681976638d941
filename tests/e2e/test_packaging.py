"""Build the Linux bundle and the .deb, check it with lintian, install it with dpkg into a root of its own, run its
self-test and the program, purge it.

The build itself fails past its size budget, its glibc floor or on a library of unknown origin (packaging/audit.py,
run by the spec): this test sees those as a failed build. Marked `packaging` (and `slow`, as every end-to-end
test): it runs in `python3 dev.py test --all` whenever the build tools are here (PyInstaller from the build extra
that command installs, dpkg-deb and lintian from Debian: .ci/run installs lintian), and is skipped, saying which
tool is missing, otherwise.
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
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT / "packaging" / "linux"))
try:
    import audit
    from build_deb import PACKAGE, build_deb
finally:
    del sys.path[:2]
# What the bundle inherently is (a vendor's folder under /opt): overridden in the package, each with its reason.
BUNDLE_TAGS = {"dir-or-file-in-opt", "embedded-library", "custom-library-search-path"}

pytestmark = pytest.mark.packaging


def missing_tools() -> str:
    if not sys.platform.startswith("linux"):
        return "the .deb is built on Linux only"
    if importlib.util.find_spec("PyInstaller") is None:
        return "PyInstaller is not installed"
    for tool in ("dpkg-deb", "dpkg", "lintian", "objdump"):
        if shutil.which(tool) is None:
            return f"{tool} is not available"
    return ""


@pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "build tools present")
def test_deb_installs_and_passes_its_self_test(tmp_path):
    started_at = time.perf_counter()
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
    size_mb = audit.installed_size_mb(bundle)
    glibc = audit.version_text(audit.glibc_need(bundle).version)
    deb = build_deb(bundle, dist)
    fields = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True).stdout
    assert f"Depends: libc6 (>= {glibc})," in fields  # what the glibc check measured, exactly
    assert "libxcb-cursor0" in fields
    assert "fonts-noto-cjk" in fields
    assert "libgtk" not in fields  # no GTK theme: nothing needs GTK

    lintian = subprocess.run(
        ["lintian", "--show-overrides", "--tag-display-limit", "0", str(deb)], capture_output=True, text=True
    ).stdout
    assert [line for line in lintian.splitlines() if line.startswith("E:")] == [], lintian
    assert {line.split()[2] for line in lintian.splitlines() if line.startswith("O:")} <= BUNDLE_TAGS | {
        "library-not-linked-against-libc"  # Python's own modules that call no C function (reason in the package)
    }

    # dpkg itself, into a root of its own (its database too): install, start, purge.
    root = tmp_path / "root"
    (root / "var/lib/dpkg/updates").mkdir(parents=True)
    (root / "var/lib/dpkg/info").mkdir()
    (root / "var/lib/dpkg/status").touch()
    dpkg = ["dpkg", f"--root={root}", "--force-depends", "--force-script-chrootless"]
    subprocess.run([*dpkg, "--install", str(deb)], check=True, capture_output=True)
    desktop_entry = (root / "usr/share/applications/desktop-app.desktop").read_text(encoding="utf-8")
    assert "Name=书记工作台" in desktop_entry
    assert "Exec=/usr/bin/desktop-app" in desktop_entry
    assert (root / "usr/share/icons/hicolor/256x256/apps/desktop-app.png").exists()
    home = tmp_path / "home"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        DESKTOP_APP_BUNDLE=str(root / "opt/desktop-app"),
        DESKTOP_APP_PASSWORD="packaging-测试-口令-2026",
    )
    for variable in ("XDG_DATA_HOME", "DESKTOP_APP_DATA_DIR"):  # the data where a person's is: in the home
        env.pop(variable, None)
    launcher = str(root / "usr/bin/desktop-app")
    result = subprocess.run([launcher, "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("自检通过")
    version = subprocess.run([launcher, "--version"], capture_output=True, text=True, env=env, check=True)
    assert "书记工作台" in version.stdout
    key = tmp_path / "recovery-key.txt"
    started = subprocess.run(
        [launcher, "demo", "--recovery-key-out", str(key)], capture_output=True, text=True, env=env, timeout=300
    )
    assert started.returncode == 0, started.stderr
    moments = dict(env, DESKTOP_APP_MOMENTS="ready")  # the installed program prints its start-up moments too
    shown = subprocess.run([launcher], capture_output=True, text=True, env=moments, timeout=300)
    assert shown.stdout.split()[-1] == "ready", shown.stderr
    data = home / ".local/share/desktop_app"
    assert (data / "shuji.sqlite3").exists()

    subprocess.run([*dpkg, "--purge", PACKAGE], check=True, capture_output=True)
    left = [path.relative_to(root).as_posix() for path in root.rglob("*") if not path.is_dir()]
    assert [path for path in left if not path.startswith("var/lib/dpkg/")] == []
    assert not (root / "opt").exists() or not any((root / "opt").iterdir())
    assert (data / "shuji.sqlite3").exists()  # the person's data stays: purge never reaches into a home
    print(
        f"bundle {size_mb:.0f} MB, glibc {glibc}, deb {deb.stat().st_size / 1024 / 1024:.0f} MB, "
        f"built, checked and tested in {time.perf_counter() - started_at:.0f} s"
    )
