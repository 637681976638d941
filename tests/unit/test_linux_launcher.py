"""/usr/bin/desktop-app, as build_deb.py writes it: it refuses an older C library in Chinese, and where fcitx is the
input method it has Qt's ibus input context talk to fcitx5 through the ibus portal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging" / "linux"))
try:
    import build_deb
finally:
    sys.path.pop(0)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb's launcher is for Linux")


@pytest.fixture
def launcher(tmp_path: Path) -> Path:
    """The launcher for a floor of glibc 2.35, in front of a bundle whose program prints what it was given."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    program = bundle / "desktop-app"
    program.write_text('#!/bin/sh\necho "args=$* im=${QT_IM_MODULE:-} portal=${IBUS_USE_PORTAL:-}"\n')
    program.chmod(0o755)
    script = tmp_path / "desktop-app"
    script.write_text(build_deb.launcher((2, 35)).replace(build_deb.INSTALL_DIR, str(bundle)))
    script.chmod(0o755)
    return script


def run(launcher: Path, tmp_path: Path, glibc: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """The launcher on a system whose `getconf GNU_LIBC_VERSION` says `glibc`."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    getconf = fake / "getconf"
    getconf.write_text(f'#!/bin/sh\necho "glibc {glibc}"\n')
    getconf.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"QT_IM_MODULE", "XMODIFIERS", "GTK_IM_MODULE", "IBUS_USE_PORTAL", "DISPLAY", "WAYLAND_DISPLAY"}
    }
    env |= {"PATH": f"{fake}:{os.environ['PATH']}", **variables}
    return subprocess.run([str(launcher), "--self-test"], capture_output=True, text=True, env=env, timeout=30)


def test_an_older_c_library_is_refused_in_chinese_naming_the_systems_supported(launcher, tmp_path):
    result = run(launcher, tmp_path, "2.31")
    assert result.returncode == 3
    assert result.stdout == ""  # the bundle was never started
    assert "需要 glibc 2.35 或更高版本，这台电脑的是 2.31" in result.stderr
    assert "Ubuntu 22.04、Ubuntu 24.04" in result.stderr
    assert "统信 UOS 20" not in result.stderr  # glibc 2.28: below this floor


@pytest.mark.parametrize("glibc", ["2.35", "2.36", "2.100"])
def test_the_floor_and_newer_start_the_bundle_with_the_arguments(launcher, tmp_path, glibc):
    result = run(launcher, tmp_path, glibc)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("args=--self-test")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"QT_IM_MODULE": "fcitx"}, "im=ibus portal=1"),  # UOS, Kylin
        ({"XMODIFIERS": "@im=fcitx", "GTK_IM_MODULE": "fcitx"}, "im=ibus portal=1"),  # fcitx5 without Qt's variable
        ({"QT_IM_MODULE": "ibus", "XMODIFIERS": "@im=ibus"}, "im=ibus portal="),  # ibus itself: as it is
        ({}, "im= portal="),
    ],
)
def test_fcitx_is_reached_through_the_ibus_portal(launcher, tmp_path, variables, expected):
    result = run(launcher, tmp_path, "2.36", **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(expected)


def test_the_systems_named_follow_the_floor():
    assert build_deb.supported_systems((2, 28)).startswith("统信 UOS 20、麒麟 V10、Debian 10")
    assert build_deb.supported_systems((2, 36)) == "Debian 12、Ubuntu 24.04、deepin 23"
