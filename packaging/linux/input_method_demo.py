"""Chinese input in the installed program, shown under Xvfb with each input-method framework the target desktops use.

    python3 packaging/linux/input_method_demo.py [fcitx5|ibus ...]

For each framework: a fresh X server (Xvfb) and session bus, the framework's daemon with its pinyin engine on, then
the installed program started through /usr/bin/desktop-app (the launcher, which picks the protocol), with demo
data. xdotool presses Ctrl+2 (the 关怀 page) and Ctrl+F (its search box), types `nihao` and a space (the
first candidate), then Ctrl+A Ctrl+C; the clipboard (xclip) must hold Chinese characters. A screenshot of each run
is left in the output folder. Exit 0 when every framework committed Chinese text.

Needs root-free Debian packages: xvfb xdotool xclip dbus-x11 x11-utils, fcitx5 fcitx5-chinese-addons, ibus
ibus-libpinyin, and the .deb installed (`sudo apt install ./dist/shuji-workbench_*.deb`). Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

LAUNCHER = Path("/usr/bin/desktop-app")
PASSWORD = "ime-demo-长口令-2026"
DISPLAY = ":77"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

FCITX5_PROFILE = """[Groups/0]
Name=默认
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=默认
"""


def wait_for(what: str, check, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise SystemExit(f"等待超时：{what}")


def quiet(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


@contextlib.contextmanager
def session(home: Path) -> Iterator[dict[str, str]]:
    """An X server and a D-Bus session bus of their own; everything started in them is stopped at the end."""
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
    env = dict(os.environ, DISPLAY=DISPLAY, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("QT_QPA_PLATFORM", None)
    wait_for("Xvfb", lambda: quiet("xdpyinfo", env=env).returncode == 0)
    bus = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True).stdout
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DBUS_SESSION_BUS_PID"):
        env[name] = re.search(rf"{name}='?([^';]+)", bus).group(1)  # type: ignore[union-attr]
    try:
        yield env
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(env["DBUS_SESSION_BUS_PID"]), 15)
        xvfb.terminate()
        xvfb.wait()


def start_fcitx5(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    profile = Path(env["XDG_CONFIG_HOME"]) / "fcitx5" / "profile"
    profile.parent.mkdir(parents=True, exist_ok=True)
    profile.write_text(FCITX5_PROFILE, encoding="utf-8")
    daemon = subprocess.Popen(["fcitx5", "--replace"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(
        "fcitx5",
        lambda: (
            quiet("fcitx5-remote", env=env).returncode == 0
            and quiet(
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.portal.IBus",
                env=env,
            )
            .stdout.rstrip()
            .endswith("true")
        ),
    )
    # What UOS and Kylin set for a session with fcitx: the launcher sees it and chooses the ibus protocol.
    return daemon, dict(env, QT_IM_MODULE="fcitx", XMODIFIERS="@im=fcitx", GTK_IM_MODULE="fcitx")


def start_ibus(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    daemon = subprocess.Popen(
        ["ibus-daemon", "--xim", "--replace", "--panel=disable"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    activate("ibus", env)
    wait_for(
        "ibus-daemon", lambda: activate("ibus", env) or quiet("ibus", "engine", env=env).stdout.strip() == "libpinyin"
    )
    return daemon, dict(env, QT_IM_MODULE="ibus", XMODIFIERS="@im=ibus", GTK_IM_MODULE="ibus")


def activate(framework: str, env: dict[str, str]) -> None:
    """Pinyin on (`ibus engine NAME` sets it but exits 1 here: `ibus engine` reads it back)."""
    if framework == "fcitx5":
        quiet("fcitx5-remote", "-o", env=env)
    else:
        quiet("ibus", "engine", "libpinyin", env=env)


def key(env: dict[str, str], *keys: str) -> None:
    quiet("xdotool", "key", "--delay", "150", *keys, env=env)
    time.sleep(0.5)


def typed_text(framework: str, work: Path) -> str:
    """Type pinyin into the installed program's search box; what the box then holds."""
    home = work / framework
    home.mkdir(parents=True)
    starters = {"fcitx5": start_fcitx5, "ibus": start_ibus}
    with session(home) as env:
        daemon, program_env = starters[framework](env)
        program_env["DESKTOP_APP_PASSWORD"] = PASSWORD
        try:
            subprocess.run(
                [str(LAUNCHER), "demo", "--recovery-key-out", str(home / "recovery-key.txt")],
                env=program_env,
                check=True,
                capture_output=True,
                timeout=300,
            )
            log = (work / f"{framework}.log").open("w")
            program = subprocess.Popen([str(LAUNCHER)], env=program_env, stdout=subprocess.DEVNULL, stderr=log)
            try:
                wait_for(
                    "书记工作台 的窗口",
                    lambda: (
                        quiet("xdotool", "search", "--onlyvisible", "--name", "书记工作台", env=env).returncode == 0
                    ),
                )
                window = quiet("xdotool", "search", "--onlyvisible", "--name", "书记工作台", env=env).stdout.split()[0]
                quiet("xdotool", "windowactivate", "--sync", window, env=env)
                quiet("xdotool", "windowfocus", "--sync", window, env=env)
                time.sleep(3)  # the 工作台 reads its data
                key(env, "ctrl+2", "ctrl+f")
                activate(framework, env)
                time.sleep(1)
                quiet("xdotool", "type", "--delay", "200", "nihao", env=env)
                time.sleep(1)
                key(env, "space")
                time.sleep(1)
                quiet("import", "-window", "root", str(work / f"{framework}.png"), env=env)
                activate(framework, env)
                key(env, "ctrl+a", "ctrl+c")
                return quiet("xclip", "-o", "-selection", "clipboard", env=env).stdout
            finally:
                program.terminate()
                program.wait(timeout=30)
                log.close()
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)


def main(argv: list[str]) -> int:
    frameworks = argv or ["fcitx5", "ibus"]
    missing = [tool for tool in ("Xvfb", "xdotool", "xclip", "dbus-launch", "xdpyinfo") if not shutil.which(tool)]
    missing += [name for name in frameworks if not shutil.which("fcitx5" if name == "fcitx5" else "ibus-daemon")]
    if missing or not LAUNCHER.exists():
        print(f"缺少：{'、'.join(missing + ([] if LAUNCHER.exists() else [str(LAUNCHER)]))}", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="desktop_app-ime-"))
    failed = False
    for framework in frameworks:
        text = typed_text(framework, out)
        works = bool(CHINESE.search(text))
        failed |= not works
        print(f"{framework}：输入 nihao 和空格，搜索框中得到“{text}”——{'中文输入可用' if works else '没有得到汉字'}")
    print(f"截图和日志：{out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
