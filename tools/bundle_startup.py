"""Start-up of the installed program against the development environment's, in the same run, as ratios.

    python3 tools/bundle_startup.py [--runs 5] [--program /usr/bin/desktop-app]

Both start on the same demo data (made once by the installed program) with the same password, offscreen, until the
window is painted and until the 工作台 is ready (`DESKTOP_APP_MOMENTS`); the runs alternate so the machine's moods
fall on both. The development side is `python -m desktop_app` from this checkout's .venv (`python3 dev.py run`
makes it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "startup-比较-口令-2026"


def seconds_until(command: list[str], moment: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    took = None
    for line in process.stdout:
        if took is None and line.strip() == moment:
            took = time.perf_counter() - started
    _, errors = process.communicate(timeout=300)
    if took is None:
        raise SystemExit(f"{command[0]} 没有到达“{moment}”：{errors[-1500:]}")
    return took


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--program", default="/usr/bin/desktop-app")
    args = parser.parse_args(argv)
    dev_python = ROOT / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="desktop_app-startup-") as tmp:
        data = Path(tmp) / "data"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_APP_PASSWORD=PASSWORD)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # both run from compiled bytecode, as installed programs do
        subprocess.run(
            [args.program, "demo", "--data-dir", str(data), "--recovery-key-out", str(Path(tmp) / "key.txt")],
            env=env,
            check=True,
            capture_output=True,
        )
        programs = {
            "安装的程序": [args.program, "--data-dir", str(data)],
            "开发环境": [str(dev_python), "-m", "desktop_app", "--data-dir", str(data)],
        }
        dev_env = dict(env, PYTHONPATH=str(ROOT))
        for moment in ("painted", "ready"):
            times: dict[str, list[float]] = {name: [] for name in programs}
            for run in range(args.runs + 1):  # the first of each warms the file cache and is not counted
                for name, command in programs.items():
                    chosen = dict(dev_env if "开发" in name else env, DESKTOP_APP_MOMENTS=moment)
                    took = seconds_until(command, moment, chosen)
                    if run:
                        times[name].append(took)
            installed, dev = (statistics.median(times[name]) for name in programs)
            label = "第一个窗口" if moment == "painted" else "工作台就绪"
            print(
                f"{label}：安装的程序 {installed:.2f} 秒，开发环境 {dev:.2f} 秒，比值 {installed / dev:.2f}"
                f"（各 {args.runs} 次的中位数）"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
