"""The build's own logic on real libraries of this machine: which libraries the bundle keeps, and where each came
from (packaging/audit.py; the packaging test runs the whole build)."""

from __future__ import annotations

import _ctypes
import _ssl
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
try:
    import audit
finally:
    sys.path.pop(0)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the audit reads ELF files")


def resolved(module: str) -> dict[str, str]:
    """The libraries the loader finds for a module here: name -> path."""
    lines = subprocess.run(["ldd", module], capture_output=True, text=True, check=True).stdout.splitlines()
    return {line.split()[0]: line.split()[2] for line in lines if "=> /" in line}


def test_a_library_nothing_kept_needs_is_left_out_with_its_link():
    ssl_module, ctypes_module = _ssl.__file__, _ctypes.__file__
    ssl_libraries = resolved(ssl_module)
    ffi = next(path for name, path in resolved(ctypes_module).items() if name.startswith("libffi"))
    binaries = [
        (f"python3/lib-dynload/{Path(ssl_module).name}", ssl_module, "EXTENSION"),
        *[(name, path, "BINARY") for name, path in ssl_libraries.items() if name.startswith(("libssl", "libcrypto"))],
        (Path(ffi).name, ffi, "BINARY"),  # only _ctypes needs it, and _ctypes is not in this bundle
    ]
    datas = [("lib/" + Path(ffi).name, Path(ffi).name, "SYMLINK"), ("resources/app.png", "app.png", "DATA")]
    kept, kept_datas = audit.used_only(binaries, datas)
    names = {Path(place).name for place, _, _ in kept}
    assert any(name.startswith("libssl") for name in names)
    assert any(name.startswith("libcrypto") for name in names)
    assert Path(ffi).name not in names
    assert kept_datas == [("resources/app.png", "app.png", "DATA")]


def test_the_desktops_libraries_stay_out_the_interpreters_come_along():
    assert audit.from_the_desktop("/usr/lib/x86_64-linux-gnu/libgtk-3.so.0")
    assert audit.from_the_desktop("/lib/x86_64-linux-gnu/libstdc++.so.6")  # every desktop has a new enough one
    assert not audit.from_the_desktop("/usr/lib/x86_64-linux-gnu/libssl.so.3")  # hashlib.scrypt
    assert not audit.from_the_desktop("/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so")
    assert not audit.from_the_desktop("/work/.venv/lib/python3.11/site-packages/PySide6/Qt/lib/libQt6Core.so.6")


def test_a_library_from_neither_a_wheel_nor_the_interpreter_is_named(tmp_path):
    bundle = tmp_path / "desktop-app"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    for name in ("libQt6Core.so.6", "libgtk-3.so.0", "libpython3.11.so.1.0"):
        (bundle / "_internal" / name).write_bytes(audit.ELF_MAGIC + b"\0" * 60)
    (bundle / "_internal" / "README.txt").write_text("not a library")
    assert audit.foreign_libraries(bundle, {"libQt6Core.so.6"}) == ["_internal/libgtk-3.so.0"]


def test_each_glibc_symbol_a_bundled_file_takes_is_looked_up_in_the_floors_own_libraries(tmp_path):
    """On this machine's real files: _ssl's libssl against this machine's own C library (everything there), and
    against a C library folder that holds libm alone (libssl's calls into libc.so.6 are named, each with its
    version)."""
    libssl = Path(resolved(_ssl.__file__)["libssl.so.3"])
    libc = Path(resolved(_ssl.__file__)["libc.so.6"])
    libm = Path(resolved(sys.executable).get("libm.so.6") or libc.with_name("libm.so.6"))
    bundle = tmp_path / "bundle" / "_internal"
    bundle.mkdir(parents=True)
    (bundle / libssl.name).write_bytes(libssl.read_bytes())
    whole, only_libm = tmp_path / "whole", tmp_path / "only-libm"
    whole.mkdir()
    only_libm.mkdir()
    (whole / "libc.so.6").write_bytes(libc.read_bytes())
    (only_libm / "libm.so.6").write_bytes(libm.read_bytes())

    references, missing = audit.missing_from_glibc(bundle.parent, whole)
    assert references > 10
    assert missing == []
    references_again, missing = audit.missing_from_glibc(bundle.parent, only_libm)
    assert references_again == references
    assert f"_internal/{libssl.name}: memcpy@GLIBC_2.14" in missing
