#!/usr/bin/env python3
"""Developer entry point: `python3 dev.py run|test|...`. Standard library only.

Creates `.venv` on first use and reinstalls the project only when pyproject.toml
(or the requested extras) changed, so a second run starts fast.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


# Debian package names of shared libraries whose names do not follow the usual soname rule.
DEBIAN_PACKAGE_OF = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
}


def debian_package(soname: str) -> str:
    """libxcb-cursor.so.0 -> libxcb-cursor0, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0, libGL.so.1 -> libgl1."""
    if soname in DEBIAN_PACKAGE_OF:
        return DEBIAN_PACKAGE_OF[soname]
    base, _, version = soname.partition(".so.")
    base = base.lower()
    return f"{base}-{version}" if base[-1].isdigit() else f"{base}{version}"


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ldd reports as `not found`."""
    return sorted({line.split()[0] for line in ldd_output.splitlines() if "not found" in line})


def apt_hint(packages: list[str]) -> str:
    return "sudo apt-get install -y " + " ".join(dict.fromkeys(packages))


def check_venv_support() -> None:
    """Debian-family systems (UOS, Kylin) ship Python without venv's pip: say which package adds it."""
    import importlib.util

    if importlib.util.find_spec("ensurepip") is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        sys.exit(
            "[dev] 这台电脑的 Python 缺少创建虚拟环境所需的组件。请先运行：\n"
            f"  {apt_hint([f'python{version}-venv'])}\n然后重新运行本命令。"
        )


def check_desktop_libraries(python: Path) -> None:
    """Before the first window: the system libraries Qt's X11 platform plugin needs, and a Chinese font.

    Without them Qt stops with an English message about "xcb"; here the person gets the one
    apt-get line that fixes it. Only on Linux with a display; the tests run offscreen.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return
    if not shutil.which("ldd"):
        return
    plugin = subprocess.run(
        [str(python), "-c", "import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    xcb = Path(plugin) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    packages: list[str] = []
    if xcb.exists():
        ldd = subprocess.run(["ldd", str(xcb)], capture_output=True, text=True).stdout
        packages += [debian_package(name) for name in missing_libraries(ldd)]
    if shutil.which("fc-list") and not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout:
        packages.append("fonts-noto-cjk")
    if packages:
        sys.exit(f"[dev] 显示窗口还缺少一些系统组件。请先运行：\n  {apt_hint(packages)}\n然后重新运行本命令。")


def ensure_env(extras: str = "") -> Path:
    """Create the virtual environment and install the project if needed."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"需要 Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} 或更高版本（当前 {sys.version.split()[0]}）")
    python = venv_python()
    if not python.exists():
        check_venv_support()
        print("[dev] 创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{('-' + extras) if extras else ''}"
    if not stamp.exists() or stamp.read_text() != digest:
        target = f".[{extras}]" if extras else "."
        print(f"[dev] 安装依赖 {target} …", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
            cwd=ROOT,
            check=True,
        )
        stamp.write_text(digest)
    return python


def run_steps(steps: list[list[str]], env: dict[str, str]) -> int:
    for step in steps:
        print(f"[dev] {' '.join(step)}", flush=True)
        code = subprocess.run(step, cwd=ROOT, env=env).returncode
        if code != 0:
            return code
    return 0


def offscreen_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def cmd_run(args: list[str]) -> int:
    python = ensure_env()
    check_desktop_libraries(python)
    return subprocess.run([str(python), "-m", "desktop_app", *args], cwd=ROOT).returncode


def cmd_test(args: list[str]) -> int:
    """Lint, import contracts, types and the fast tests (unit and GUI); `--all` adds the slow ones
    (the packaging build, the crash kills, the benchmark harness, with its extra), as CI runs them."""
    everything = "--all" in args
    args = [arg for arg in args if arg != "--all"]
    python = ensure_env("test,build,bench" if everything else "test")
    bindir = python.parent
    selection = [] if everything or "-m" in args else ["-m", "not slow"]
    # The whole suite runs a module per worker on every core (at most four: each starts its own PostgreSQL); a run
    # of chosen tests (any argument that is not an option) stays in one process.
    whole_suite = all(arg.startswith("-") for arg in args)
    workers = ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"] if whole_suite else []
    steps = [
        [str(bindir / "ruff"), "check", "."],
        [str(bindir / "lint-imports")],
        [str(python), "-m", "mypy", "desktop_app"],
        [str(python), "-m", "pytest", *selection, *workers, *args],
    ]
    return run_steps(steps, offscreen_env())


SCREENSHOT_SCREENS = {"1366x768": (1366, 768), "1600x1000": (1600, 1000)}


def cmd_screenshots(args: list[str]) -> int:
    """One set per screen size: the common 1366×768 office screen and a larger one."""
    python = ensure_env()
    out = Path(args[0] if args else ROOT / "screenshots")
    script = ROOT / "tools" / "screenshots.py"
    for name, (width, height) in SCREENSHOT_SCREENS.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        screen = folder / "screen.json"
        screen.write_text(
            f'{{"screens": [{{"name": "{name}", "x": 0, "y": 0, "width": {width}, "height": {height},'
            ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}',
            encoding="utf-8",
        )
        env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}")
        code = subprocess.run([str(python), str(script), str(folder)], cwd=ROOT, env=env).returncode
        screen.unlink()
        if code != 0:
            return code
    return 0


def cmd_bench(args: list[str]) -> int:
    """`--shared`: the shared mode's load benchmark (benchmarks/shared_load.py), on a PostgreSQL it starts
    itself from the test extra's binaries."""
    shared = "--shared" in args
    python = ensure_env("test" if shared else "bench")
    module = "benchmarks.shared_load" if shared else "benchmarks.run"
    args = [arg for arg in args if arg != "--shared"]
    return subprocess.run([str(python), "-m", module, *args], cwd=ROOT, env=offscreen_env()).returncode


def cmd_server(args: list[str]) -> int:
    """A local PostgreSQL with two demo communities and an account of every role (tools/dev_server.py), until
    Ctrl+C; its binaries and driver come with the test extra."""
    python = ensure_env("test")
    try:
        return subprocess.run([str(python), "-m", "tools.dev_server", *args], cwd=ROOT).returncode
    except KeyboardInterrupt:  # the server's process stops itself on the same Ctrl+C
        return 0


OLD_GLIBC = "2.28"  # UOS 20, Debian 10; Kylin V10 has 2.31
OLD_GLIBC_CACHE = ROOT / "build" / "old-glibc"


def manylinux_guard(floor: str) -> str:
    """PEP 600's `_manylinux` module: pip and packaging ask it whether a manylinux_X_Y wheel suits this system. In the
    old-glibc environment it admits no wheel newer than the floor, whatever glibc the build host has."""
    major, minor = (int(part) for part in floor.split("."))
    return (
        "# Written by dev.py: the bundle built here must run on glibc " + floor + ".\n"
        "def manylinux_compatible(tag_major, tag_minor, tag_arch):\n"
        f"    return (tag_major, tag_minor) <= ({major}, {minor})\n"
    )


def old_glibc_env() -> tuple[Path, dict[str, str]]:
    """The build environment for a bundle that runs on glibc 2.28: CPython 3.11 compiled for it with zig
    (packaging/linux/old_glibc_python.sh, cached under build/old-glibc), a virtual environment of it with the
    project and PyInstaller, and pip held to manylinux_2_28 wheels."""
    script = ROOT / "packaging" / "linux" / "old_glibc_python.sh"
    built = subprocess.run(["bash", str(script), str(OLD_GLIBC_CACHE)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if built.returncode != 0:
        sys.exit("[dev] 没能编译出面向旧版 glibc 的 Python 解释器（见上面的记录）。")
    interpreter = Path(built.stdout.strip().splitlines()[-1])
    env = dict(
        os.environ,
        LD_LIBRARY_PATH=str(interpreter.parent.parent / "lib"),
        DESKTOP_APP_GLIBC_FLOOR=OLD_GLIBC,
        DESKTOP_APP_GLIBC_ABI=str(OLD_GLIBC_CACHE / f"glibc-{OLD_GLIBC}-abi"),  # the audit's symbol lookup
    )
    venv_dir = OLD_GLIBC_CACHE / "venv"
    python = venv_dir / "bin" / "python"
    if not python.exists():
        print("[dev] 用旧版 glibc 解释器创建打包环境 …", flush=True)
        subprocess.run([str(interpreter), "-m", "venv", "--clear", str(venv_dir)], env=env, check=True)
        # Python 3.11.2 brings pip 22.3 (2022): the current one instead.
        subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-U", "pip"], env=env, check=True
        )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "_manylinux.py").write_text(manylinux_guard(OLD_GLIBC), encoding="utf-8")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + OLD_GLIBC.encode()).hexdigest()
    stamp = venv_dir / ".installed-build"
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"[dev] 安装依赖 .[build]（只用 manylinux_{OLD_GLIBC.replace('.', '_')} 及更旧的 wheel）…", flush=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "--only-binary",
                ":all:",
                "-e",
                ".[build]",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        stamp.write_text(digest)
    return python, env


def cmd_build(args: list[str]) -> int:
    """The PyInstaller bundle in dist/, then the .deb (Linux) or the Inno Setup installer (Windows). On Linux the
    spec checks the bundle as it writes it (packaging/audit.py: size budget, glibc floor, each library's origin)
    and fails the build on any of them.

    `--old-glibc` (or DESKTOP_APP_OLD_GLIBC=1), Linux only: build with an interpreter compiled for glibc 2.28
    (about 45 minutes on 2 cores the first time, seconds once build/old-glibc holds it), so the bundle runs on UOS 20,
    Kylin V10 and Debian 10; without it the bundle needs the build host's glibc (2.35 on Debian 12)."""
    old_glibc = "--old-glibc" in args or os.environ.get("DESKTOP_APP_OLD_GLIBC") == "1"
    if old_glibc and not sys.platform.startswith("linux"):
        sys.exit("[dev] --old-glibc 只用于 Linux。")
    python, env = old_glibc_env() if old_glibc else (ensure_env("build"), dict(os.environ))
    code = subprocess.run(
        [
            str(python),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(ROOT / "build"),
            str(ROOT / "packaging" / "desktop_app.spec"),
        ],
        cwd=ROOT,
        env=env,
    ).returncode
    if code != 0:
        return code
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        return subprocess.run(
            [str(python), str(ROOT / "packaging" / "linux" / "build_deb.py")], cwd=ROOT, env=env
        ).returncode
    if os.name == "nt":
        iscc = shutil.which("iscc")
        if iscc is None:
            print("[dev] 未找到 Inno Setup 的 iscc，只生成了 dist/desktop-app 文件夹。")
            return 0
        version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
        installer = ROOT / "packaging" / "windows" / "installer.iss"
        return subprocess.run([iscc, f"/DAppVersion={version}", str(installer)], cwd=ROOT).returncode
    return 0


COMMANDS = {
    "run": (cmd_run, "创建环境并启动书记工作台"),
    "test": (cmd_test, "创建环境并运行代码检查、类型检查和快速测试（--all：再加打包、崩溃与基准测试，CI 用它）"),
    "screenshots": (cmd_screenshots, "在离屏模式下用示例数据为每个界面截图"),
    "bench": (cmd_bench, "性能基准（--quick：小数据快速跑一遍；--shared：服务器多人共用的负载基准）"),
    "server": (cmd_server, "启动本机的 PostgreSQL，载入两个居民区的示例数据和各角色的账号（Ctrl+C 停止）"),
    "build": (
        cmd_build,
        "用 PyInstaller 打包到 dist/，Linux 上再生成 .deb，Windows 上用 Inno Setup 生成安装程序"
        "（--old-glibc：用面向 glibc 2.28 编译的解释器打包，可在统信 UOS 20、麒麟 V10 上运行）",
    ),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("用法：python3 dev.py <命令> [参数]\n")
        for name, (_, help_text) in COMMANDS.items():
            print(f"  {name:<12} {help_text}")
        return 2
    handler, _ = COMMANDS[argv[0]]
    return handler(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
