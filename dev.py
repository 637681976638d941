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


def ensure_env(extras: str = "") -> Path:
    """Create the virtual environment and install the project if needed."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"需要 Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} 或更高版本（当前 {sys.version.split()[0]}）")
    python = venv_python()
    if not python.exists():
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
    return subprocess.run([str(python), "-m", "desktop_app", *args], cwd=ROOT).returncode


def cmd_test(args: list[str]) -> int:
    python = ensure_env("test")
    bindir = python.parent
    steps = [
        [str(bindir / "ruff"), "check", "."],
        [str(bindir / "lint-imports")],
        [str(python), "-m", "pytest", *args],
    ]
    return run_steps(steps, offscreen_env())


def cmd_screenshots(args: list[str]) -> int:
    python = ensure_env()
    out = args[0] if args else str(ROOT / "screenshots")
    script = ROOT / "tools" / "screenshots.py"
    return subprocess.run([str(python), str(script), out], cwd=ROOT, env=offscreen_env()).returncode


def cmd_bench(args: list[str]) -> int:
    python = ensure_env()
    return subprocess.run([str(python), "-m", "benchmarks.run", *args], cwd=ROOT, env=offscreen_env()).returncode


def cmd_build(args: list[str]) -> int:
    """The PyInstaller bundle in dist/, then the .deb (Linux) or the Inno Setup installer (Windows)."""
    python = ensure_env("build")
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
    ).returncode
    if code != 0:
        return code
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        return subprocess.run([str(python), str(ROOT / "packaging" / "linux" / "build_deb.py")], cwd=ROOT).returncode
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
    "test": (cmd_test, "创建环境并运行全部检查与测试"),
    "screenshots": (cmd_screenshots, "在离屏模式下用示例数据为每个界面截图"),
    "bench": (cmd_bench, "性能基准（--quick：小数据快速跑一遍）"),
    "build": (cmd_build, "用 PyInstaller 打包到 dist/，Linux 上再生成 .deb，Windows 上用 Inno Setup 生成安装程序"),
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
