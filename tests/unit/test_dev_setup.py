"""dev.py tells a person on a plain Linux desktop which packages to install, in one line."""

import importlib.util
import sys
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("dev", Path(__file__).parents[2] / "dev.py")
dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dev)

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f)
"""


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libGL.so.1", "libgl1"),
        ("libEGL.so.1", "libegl1"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libdbus-1.so.3", "libdbus-1-3"),
    ],
)
def test_library_names_become_debian_packages(soname, package):
    assert dev.debian_package(soname) == package


def test_the_missing_libraries_make_one_install_line():
    missing = dev.missing_libraries(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    line = dev.apt_hint([dev.debian_package(name) for name in missing])
    assert line == "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0"


def test_a_python_without_venv_support_is_told_the_package(monkeypatch, capsys):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit) as stop:
        dev.check_venv_support()
    assert "-venv" in str(stop.value)
    assert "sudo apt-get install -y python3." in str(stop.value)


def test_the_old_glibc_environment_takes_no_wheel_newer_than_its_floor(tmp_path, monkeypatch):
    """pip itself (its vendored `packaging`) asks the `_manylinux` module dev.py writes into the old-glibc
    environment, and offers no manylinux tag above glibc 2.28 on a build host with glibc 2.36 (Debian 12)."""
    from pip._vendor.packaging import _manylinux, tags

    (tmp_path / "_manylinux.py").write_text(dev.manylinux_guard("2.28"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "_manylinux", raising=False)
    monkeypatch.setattr(_manylinux, "_get_glibc_version", lambda: _manylinux._GLibCVersion(2, 36))
    offered = {tag.platform for tag in tags.sys_tags() if tag.platform.startswith("manylinux_")}
    assert "manylinux_2_28_x86_64" in offered
    assert "manylinux_2_17_x86_64" in offered
    assert "manylinux_2_29_x86_64" not in offered
    assert "manylinux_2_34_x86_64" not in offered
